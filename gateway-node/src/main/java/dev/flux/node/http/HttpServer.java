package dev.flux.node.http;

import dev.flux.node.tunnel.TunnelRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The vhost HTTP listener: public HTTP/1.1 connections routed to HTTP tunnels by Host header. */
public final class HttpServer {

    static final String DECODER = "http-decoder";
    /** How long a new connection may take to send its first request head (slow or idle clients are closed). */
    static final long FIRST_REQUEST_TIMEOUT_MILLIS = 30_000;
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    /** Limits of a request head, on the HTTP port and behind TLS on the HTTPS port. */
    static final HttpDecoderConfig DECODER_CONFIG = new HttpDecoderConfig()
            .setMaxInitialLineLength(8192)
            .setMaxHeaderSize(32 * 1024)
            .setMaxChunkSize(64 * 1024);

    private final TunnelRegistry registry;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup openChannels;
    private final long firstRequestTimeoutMillis;
    private Channel listener;

    public HttpServer(TunnelRegistry registry, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                      ChannelGroup openChannels) {
        this(registry, bossGroup, workerGroup, openChannels, FIRST_REQUEST_TIMEOUT_MILLIS);
    }

    HttpServer(TunnelRegistry registry, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
               ChannelGroup openChannels, long firstRequestTimeoutMillis) {
        this.firstRequestTimeoutMillis = firstRequestTimeoutMillis;
        this.registry = registry;
        this.openChannels = openChannels;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
    }

    public InetSocketAddress start(String bindAddr, int port) throws InterruptedException {
        listener = PublicListener.bind(bossGroup, workerGroup, openChannels, bindAddr, port, pipeline -> {
            pipeline.addLast(DECODER, new HttpRequestDecoder(DECODER_CONFIG));
            pipeline.addLast("vhost", new VhostHandler(registry, firstRequestTimeoutMillis));
        });
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("vhost HTTP listening on {}:{}", bound.getAddress().getHostAddress(), bound.getPort());
        return bound;
    }

    public void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }
}
