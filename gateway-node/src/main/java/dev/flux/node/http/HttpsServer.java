package dev.flux.node.http;

import dev.flux.node.tls.HttpsCertificates;
import dev.flux.node.tunnel.TunnelRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vhost HTTPS listener: public TLS connections routed to https tunnels by the SNI of their ClientHello (see
 * {@link SniRouter}), passed through to the agent or terminated by the node.
 */
public final class HttpsServer {

    /** How long a new connection may take to send its ClientHello. */
    static final long CLIENT_HELLO_TIMEOUT_MILLIS = 10_000;
    private static final Logger log = LoggerFactory.getLogger(HttpsServer.class);

    private final TunnelRegistry registry;
    private final HttpsCertificates certificates;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup openChannels;
    private final long clientHelloTimeoutMillis;
    private Channel listener;

    public HttpsServer(TunnelRegistry registry, HttpsCertificates certificates, EventLoopGroup bossGroup,
                       EventLoopGroup workerGroup, ChannelGroup openChannels) {
        this(registry, certificates, bossGroup, workerGroup, openChannels, CLIENT_HELLO_TIMEOUT_MILLIS);
    }

    HttpsServer(TunnelRegistry registry, HttpsCertificates certificates, EventLoopGroup bossGroup,
                EventLoopGroup workerGroup, ChannelGroup openChannels, long clientHelloTimeoutMillis) {
        this.registry = registry;
        this.certificates = certificates;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.openChannels = openChannels;
        this.clientHelloTimeoutMillis = clientHelloTimeoutMillis;
    }

    public InetSocketAddress start(String bindAddr, int port) throws InterruptedException {
        listener = PublicListener.bind(bossGroup, workerGroup, openChannels, bindAddr, port,
                pipeline -> pipeline.addLast("sni", new SniRouter(registry, certificates, clientHelloTimeoutMillis,
                        HttpServer.FIRST_REQUEST_TIMEOUT_MILLIS)));
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("vhost HTTPS listening on {}:{}", bound.getAddress().getHostAddress(), bound.getPort());
        return bound;
    }

    public void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }
}
