package dev.flux.node.admin;

import dev.flux.protocol.net.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's admin listener, for probes and scrapers, off unless {@code [admin] bind} is set:
 * <ul>
 *   <li>{@code GET /healthz}: 200 {@code ok} while every listener is bound, 503 while the node starts or stops;</li>
 *   <li>{@code GET /readyz}: 200 {@code ready} when it is also registered with its control plane (control-plane
 *       mode), else 503 with the reason;</li>
 *   <li>{@code GET /metrics}: Prometheus text, see {@link NodeMetrics}.</li>
 * </ul>
 * It has no authentication: bind it to loopback or a network only probes and scrapers reach.
 */
public final class AdminServer {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final int MAX_REQUEST_BYTES = 8 * 1024;
    private static final int IDLE_SECONDS = 60;

    private final NodeStatus status;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup openChannels;
    private Channel listener;

    public AdminServer(NodeStatus status, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                       ChannelGroup openChannels) {
        this.status = status;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.openChannels = openChannels;
    }

    /** Binds {@code bindAddr:port} (0 picks a port) and returns the bound address. */
    public InetSocketAddress start(String bindAddr, int port) throws InterruptedException {
        listener = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        openChannels.add(ch);
                        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS),
                                new HttpServerCodec(),
                                new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                new Handler());
                    }
                })
                .bind(bindAddr, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("admin listening on http://{}:{} (/healthz, /readyz, /metrics)",
                bound.getAddress().getHostAddress(), bound.getPort());
        return bound;
    }

    public void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            FullHttpResponse response = respond(request);
            if (request.method().equals(HttpMethod.HEAD)) {
                // HEAD: the headers GET would send, with its Content-Length, and no body.
                int length = response.content().readableBytes();
                response.content().clear();
                HttpUtil.setContentLength(response, length);
            }
            HttpUtil.setKeepAlive(response, HttpUtil.isKeepAlive(request));
            ctx.writeAndFlush(response);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("admin connection {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }

        private FullHttpResponse respond(FullHttpRequest request) {
            if (!request.decoderResult().isSuccess()) {
                return text(HttpResponseStatus.BAD_REQUEST, "bad request\n", null);
            }
            String path = new QueryStringDecoder(request.uri()).path();
            boolean known = path.equals("/healthz") || path.equals("/readyz") || path.equals("/metrics");
            if (!known) {
                return text(HttpResponseStatus.NOT_FOUND, "not found: " + path
                        + " (this listener serves /healthz, /readyz and /metrics)\n", null);
            }
            if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
                FullHttpResponse r = text(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " is not "
                        + "allowed here (expected: GET or HEAD)\n", null);
                r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                return r;
            }
            return switch (path) {
                case "/healthz" -> status.serving() ? text(HttpResponseStatus.OK, "ok\n", null)
                        : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "starting or stopping\n", null);
                case "/readyz" -> {
                    String reason = status.notReadyReason();
                    yield reason == null ? text(HttpResponseStatus.OK, "ready\n", null)
                            : text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + reason + "\n", null);
                }
                default -> text(HttpResponseStatus.OK, NodeMetrics.render(status, Instant.now()),
                        NodeMetrics.CONTENT_TYPE);
            };
        }

        private FullHttpResponse text(HttpResponseStatus code, String body, String contentType) {
            ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code, content);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE,
                    contentType != null ? contentType : "text/plain; charset=utf-8");
            response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            HttpUtil.setContentLength(response, content.readableBytes());
            return response;
        }
    }
}
