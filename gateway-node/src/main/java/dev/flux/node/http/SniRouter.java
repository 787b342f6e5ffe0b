package dev.flux.node.http;

import dev.flux.node.tls.HttpsCertificates;
import dev.flux.node.tunnel.HttpTunnel;
import dev.flux.node.tunnel.HttpsTunnel;
import dev.flux.node.tunnel.Tunnel;
import dev.flux.node.tunnel.TunnelRegistry;
import dev.flux.protocol.control.RegisterTunnel;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of a public HTTPS connection: reads the TLS ClientHello without terminating TLS, takes the host
 * name from its SNI extension and hands the connection to the https tunnel serving that host.
 *
 * <ul>
 *   <li>TLS passed through ({@link HttpsTunnel}): the raw bytes, ClientHello first, are relayed to the agent. A
 *       load-balancing group hands each connection to its next member.</li>
 *   <li>TLS terminated by the node (a secure {@link HttpTunnel}): the node's certificate for the host answers the
 *       handshake, and the requests are routed by {@link VhostHandler} like on the HTTP port (a group balances them
 *       per request). Also when the tunnel is off the node for a failing health check: it answers the 503 page.</li>
 *   <li>TLS passed through, but every tunnel serving the host is off the node for a failing health check (its agent
 *       still connected): a fatal {@code internal_error} alert, and the connection is closed. The node cannot
 *       answer a page without the service's certificate, and the alert tells this case from a host nobody
 *       serves.</li>
 *   <li>No SNI, no tunnel for it, not TLS, a ClientHello over {@link #MAX_CLIENT_HELLO_LENGTH} or none within the
 *       timeout: the connection gets a fatal {@code unrecognized_name} alert where it spoke TLS, and is closed.</li>
 * </ul>
 *
 * <p>Netty's {@link AbstractSniHandler} does the parsing: it aggregates a ClientHello split over several TLS records
 * and TCP segments, and on removal passes every byte it buffered to the next handler.
 */
final class SniRouter extends AbstractSniHandler<Tunnel> {

    /** A ClientHello longer than this is refused (a post-quantum key share makes one about 1.8 KiB). */
    static final int MAX_CLIENT_HELLO_LENGTH = 16 * 1024;
    /** A fatal {@code unrecognized_name(112)} alert in a TLS 1.2 record, understood by every TLS client. */
    private static final byte[] UNRECOGNIZED_NAME_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70};
    /** A fatal {@code internal_error(80)} alert: the host's tunnel exists, but no member is healthy now. */
    private static final byte[] INTERNAL_ERROR_ALERT = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x50};
    private static final Logger log = LoggerFactory.getLogger(SniRouter.class);

    private final TunnelRegistry registry;
    private final HttpsCertificates certificates;
    private final long firstRequestTimeoutMillis;
    private boolean decided;

    SniRouter(TunnelRegistry registry, HttpsCertificates certificates, long clientHelloTimeoutMillis,
              long firstRequestTimeoutMillis) {
        super(MAX_CLIENT_HELLO_LENGTH, clientHelloTimeoutMillis);
        this.registry = registry;
        this.certificates = certificates;
        this.firstRequestTimeoutMillis = firstRequestTimeoutMillis;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (decided) {
            // the connection is being closed; what else it sends is of no interest
            in.skipBytes(in.readableBytes());
            return;
        }
        super.decode(ctx, in, out);
    }

    @Override
    protected Future<Tunnel> lookup(ChannelHandlerContext ctx, String hostname) {
        Tunnel tunnel = hostname == null ? null : registry.httpsTunnel(hostname.toLowerCase(Locale.ROOT));
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(tunnel);
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<Tunnel> future) {
        decided = true;
        Tunnel tunnel = future.getNow();
        String host = hostname == null ? null : hostname.toLowerCase(Locale.ROOT);
        if (tunnel instanceof HttpsTunnel passthrough) {
            ctx.channel().config().setAutoRead(false);
            // like a TCP tunnel: a visitor's FIN ends the stream, and the answer can still come back
            ctx.channel().config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            // a group: balanced per connection (the node cannot see the requests)
            HttpsTunnel member = passthrough.pick() instanceof HttpsTunnel m ? m : passthrough;
            ctx.pipeline().replace(this, "passthrough", member.passthroughHandler());
            return;
        }
        String unhealthy = host == null || tunnel != null ? null : registry.unhealthyHttps(host);
        if (RegisterTunnel.TLS_PASSTHROUGH.equals(unhealthy)) {
            log.info("https connection from {} closed: the tunnel serving {} is connected, but its local service is "
                    + "failing its health check", address(ctx), host);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(INTERNAL_ERROR_ALERT)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        SslContext context = host == null ? null : certificates.forHost(host);
        if ((tunnel instanceof HttpTunnel || RegisterTunnel.TLS_NODE.equals(unhealthy)) && context != null) {
            SslHandler tls = context.newHandler(ctx.alloc());
            tls.setHandshakeTimeout(handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
            ctx.pipeline().addAfter(ctx.name(), HttpServer.DECODER, new HttpRequestDecoder(HttpServer.DECODER_CONFIG));
            ctx.pipeline().addAfter(HttpServer.DECODER, "vhost", new VhostHandler(
                    h -> registry.httpsTunnel(h) instanceof HttpTunnel t && t.secure() ? t : null,
                    "https", firstRequestTimeoutMillis,
                    h -> RegisterTunnel.TLS_NODE.equals(registry.unhealthyHttps(h))));
            ctx.pipeline().replace(this, "tls", tls);
            log.debug("TLS for {} terminated by the node", host);
            return;
        }
        log.info("https connection from {} closed: {}", address(ctx), hostname == null
                ? "its ClientHello named no host (SNI)" : "no https tunnel serves " + hostname + " on this node");
        ctx.writeAndFlush(Unpooled.wrappedBuffer(UNRECOGNIZED_NAME_ALERT)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable c = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String why = c instanceof NotSslRecordException ? "it does not speak TLS"
                : c.getMessage() == null ? c.toString() : c.getMessage();
        log.info("https connection from {} closed: {}", address(ctx), why);
        decided = true;
        ctx.close();
    }

    private static String address(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(ctx.channel().remoteAddress());
    }
}
