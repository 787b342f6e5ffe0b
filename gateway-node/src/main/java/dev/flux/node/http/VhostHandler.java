package dev.flux.node.http;

import dev.flux.node.tunnel.HttpTunnel;
import dev.flux.node.tunnel.TunnelRegistry;
import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.StreamFrameAdapter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one public HTTP/1.1 connection to the HTTP tunnel named by its Host header.
 *
 * <p>Requests are parsed (to route, authenticate and add {@code X-Forwarded-*}) and re-encoded onto one stream per
 * connection; responses come back as raw bytes, so bodies of any size, chunked encoding and Server-Sent Events
 * pass through unbuffered. After a request that asks for a protocol upgrade (WebSocket), the connection switches
 * to raw bytes in both directions.
 */
final class VhostHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(VhostHandler.class);

    private enum State { IDLE, OPENING, RELAYING, RAW, REJECTED }

    private static final String PARKED = "parked";

    /** The HTTP tunnel serving a host name, or null: HTTP tunnels here, or https tunnels the node terminates. */
    private final Function<String, HttpTunnel> tunnels;
    private final Predicate<String> unhealthy;
    /** {@code http} or {@code https}: what the visitor spoke, for {@code X-Forwarded-Proto}. */
    private final String scheme;
    /** A connection must complete its first request head this soon, so idle or trickling clients cannot pile up. */
    private final long firstRequestTimeoutMillis;
    private ScheduledFuture<?> firstRequestDeadline;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(4);
    private State state = State.IDLE;
    /** The tunnel the Host header named (a load-balancing group's representative), and the one serving it. */
    private HttpTunnel route;
    private HttpTunnel tunnel;
    private Http2StreamChannel stream;
    private boolean upgrading;
    /** On the stream of a grouped tunnel: when its responses end, so the next request may go to another member. */
    private ResponseBoundaries responses;
    /** Streams to other members of the group, idle while the connection is elsewhere; on this handler's loop only. */
    private final Map<HttpTunnel, Http2StreamChannel> parked = new HashMap<>(4);

    VhostHandler(TunnelRegistry registry, long firstRequestTimeoutMillis) {
        this(registry::httpTunnel, "http", firstRequestTimeoutMillis, registry::unhealthy);
    }

    VhostHandler(Function<String, HttpTunnel> tunnels, String scheme, long firstRequestTimeoutMillis) {
        this(tunnels, scheme, firstRequestTimeoutMillis, host -> false);
    }

    /** @param unhealthy whether a host without a tunnel has one whose local service fails its health check */
    VhostHandler(Function<String, HttpTunnel> tunnels, String scheme, long firstRequestTimeoutMillis,
                 Predicate<String> unhealthy) {
        this.unhealthy = unhealthy;
        this.tunnels = tunnels;
        this.scheme = scheme;
        this.firstRequestTimeoutMillis = firstRequestTimeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            // added behind TLS on a connection that is already open
            startFirstRequestDeadline(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startFirstRequestDeadline(ctx);
        ctx.fireChannelActive();
    }

    private void startFirstRequestDeadline(ChannelHandlerContext ctx) {
        if (firstRequestDeadline != null) {
            return;
        }
        firstRequestDeadline = ctx.executor().schedule(() -> {
            if (state == State.IDLE && ctx.channel().isActive()) {
                state = State.REJECTED;
                ctx.writeAndFlush(ErrorPages.page(ctx.alloc(), HttpResponseStatus.REQUEST_TIMEOUT, "Request timeout",
                        "No complete request arrived within " + firstRequestTimeoutMillis + " ms."))
                        .addListener(f -> ctx.close());
            }
        }, firstRequestTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        switch (state) {
            case REJECTED -> ReferenceCountUtil.release(msg);
            case OPENING -> pending.add(msg);
            case RAW -> ctx.fireChannelRead(msg);
            case IDLE, RELAYING -> {
                if (msg instanceof HttpRequest req) {
                    request(ctx, req);
                } else {
                    forward(ctx, msg);
                }
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void request(ChannelHandlerContext ctx, HttpRequest req) {
        if (req.decoderResult().isFailure()) {
            reject(ctx, req, HttpResponseStatus.BAD_REQUEST, "Bad request",
                    "The request could not be parsed: " + req.decoderResult().cause().getMessage());
            return;
        }
        String host = hostOf(req.headers().get(HttpHeaderNames.HOST));
        HttpTunnel routed = host == null ? null : tunnels.apply(host);
        if (routed == null && host != null && unhealthy.test(host)) {
            reject(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "Service unavailable",
                    "The tunnel serving " + host + " is connected, but its local service is failing its health "
                    + "check, so its agent took it out of service. Try again shortly.");
            return;
        }
        if (routed == null) {
            reject(ctx, req, HttpResponseStatus.NOT_FOUND, "No tunnel here",
                    host == null ? "The request has no Host header, so no tunnel can be chosen."
                            : "No tunnel is serving " + host + " on this node right now. If it is yours, start it "
                            + "with `fluxctl up` and check the subdomain or custom domain in your flux.toml.");
            return;
        }
        if (route != null && routed != route) {
            if (!route.sameGroupAs(routed)) {
                // a keep-alive connection moving to another host; the agent stream belongs to the first one
                ReferenceCountUtil.release(req);
                state = State.REJECTED;
                Relay.closeOnFlush(ctx.channel());
                return;
            }
            // the member that held the group's host names left (unhealthy, gone), and the next one holds them now
            route = routed;
        }
        // a group spreads requests over its members, round-robin; a connection that upgraded (WebSocket) or whose
        // responses cannot be followed stays with its member
        HttpTunnel target = tunnel == null || switchable() ? (HttpTunnel) routed.pick() : tunnel;
        if (!target.admits((InetSocketAddress) ctx.channel().remoteAddress())) {
            reject(ctx, req, HttpResponseStatus.FORBIDDEN, "Access denied",
                    "Your address may not use the tunnel serving " + host + ".");
            return;
        }
        if (!target.authorizes(req.headers().get(HttpHeaderNames.AUTHORIZATION))) {
            reject(ctx, req, HttpResponseStatus.UNAUTHORIZED, "Authentication required",
                    "This tunnel is protected by a user name and password.",
                    "WWW-Authenticate: Basic realm=\"" + target.name() + "\", charset=\"UTF-8\"");
            return;
        }
        rewrite(ctx, req, host, target);
        upgrading = req.headers().contains(HttpHeaderNames.UPGRADE)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
        if (state == State.RELAYING) {
            // a member at its connection limit leaves the request with the current one
            if (target != tunnel && target.admitsConnection()) {
                switchTo(ctx, req, target);
                return;
            }
            forward(ctx, req);
            return;
        }
        if (!target.admitsConnection()) {
            reject(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, "Too many connections",
                    "The tunnel serving " + host + " has reached its connection limit; try again shortly.");
            return;
        }
        route = routed;
        tunnel = target;
        limitBandwidth(ctx.channel(), target);
        open(ctx, req);
    }

    /**
     * Puts {@code member}'s bandwidth limit on the connection in place of the one it had (the previous member's, when
     * a group moves a keep-alive connection), or none if the member has none. Auto-read stays off: the connection
     * waits for its new stream.
     */
    private static void limitBandwidth(Channel publicChannel, HttpTunnel member) {
        // the limiter it replaces writes out what it still held, and may turn auto-read back on
        member.limitBandwidth(publicChannel);
        publicChannel.config().setAutoRead(false);
    }

    /** Whether the next request may go to another member: a grouped route, plain HTTP so far, readable responses. */
    private boolean switchable() {
        return route != null && route.grouped() && !upgrading && state == State.RELAYING && responses != null
                && responses.readable();
    }

    /**
     * Moves a keep-alive connection to another member of its group for {@code req}: once every response of the
     * current member has ended (requests that follow meanwhile wait), the current stream is let go and a stream to
     * {@code target} carries {@code req} and what follows.
     */
    private void switchTo(ChannelHandlerContext ctx, HttpRequest req, HttpTunnel target) {
        state = State.OPENING;
        // first: during a replay of held requests the ones after it are still held
        pending.addFirst(req);
        ctx.channel().config().setAutoRead(false);
        Http2StreamChannel old = stream;
        ResponseBoundaries watched = responses;
        ChannelHandlerContext watchedCtx = old.pipeline().context(watched);
        if (watchedCtx == null) {
            // the stream is gone (and takes the connection with it)
            releasePending();
            state = State.REJECTED;
            ctx.close();
            return;
        }
        watched.whenIdle(watchedCtx, () -> {
            Channel publicChannel = ctx.channel();
            publicChannel.flush();
            if (old.pipeline().get("relay") != null) {
                old.pipeline().remove("relay");
            }
            if (publicChannel.pipeline().get("relay") != null) {
                publicChannel.pipeline().remove("relay");
            }
            if (!publicChannel.isActive()) {
                Relay.closeOnFlush(old);
                releasePending();
                return;
            }
            park(tunnel, old);
            // from now on the connection is the new member's: its connection count, traffic and bandwidth limit
            tunnel.counter().connectionClosed();
            tunnel = target;
            target.counter().connectionOpened();
            limitBandwidth(publicChannel, target);
            connect(ctx, target);
        });
    }

    private void rewrite(ChannelHandlerContext ctx, HttpRequest req, String host, HttpTunnel target) {
        HttpHeaders h = req.headers();
        String clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
        String xff = h.get("X-Forwarded-For");
        h.set("X-Forwarded-For", xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        h.set("X-Forwarded-Proto", scheme);
        h.set("X-Forwarded-Host", h.get(HttpHeaderNames.HOST));
        if (target.hostHeaderRewrite() != null) {
            h.set(HttpHeaderNames.HOST, target.hostHeaderRewrite());
        }
        if (target.requiresAuthorization()) {
            // the tunnel's credentials are the node's business, not the local service's
            h.remove(HttpHeaderNames.AUTHORIZATION);
        }
        if (log.isDebugEnabled()) {
            log.debug("[{}] {} {} {}", target.name(), clientIp, req.method(), req.uri());
        }
    }

    private void open(ChannelHandlerContext ctx, HttpRequest first) {
        Channel publicChannel = ctx.channel();
        state = State.OPENING;
        pending.add(first);
        publicChannel.config().setAutoRead(false);
        HttpTunnel t = tunnel;
        t.counter().connectionOpened();
        // the member serving the connection when it closes (it may change between requests in a group), and its
        // stream
        publicChannel.closeFuture().addListener(f -> {
            tunnel.counter().connectionClosed();
            if (stream != null) {
                Relay.closeOnFlush(stream);
            }
            parked.values().forEach(Relay::closeOnFlush);
            parked.clear();
        });
        connect(ctx, t);
    }

    /** Opens the stream to {@code t} for the held requests, first moving the connection to its agent's loop. */
    private void connect(ChannelHandlerContext ctx, HttpTunnel t) {
        Channel publicChannel = ctx.channel();
        String client = addressOf(publicChannel.remoteAddress());
        EventLoop agentLoop = t.eventLoop();
        if (publicChannel.eventLoop() == agentLoop) {
            openStream(ctx, t, client);
            return;
        }
        // move the connection to its agent connection's event loop: relaying then never hops threads, which saves
        // two cross-core wake-ups per request
        publicChannel.deregister().addListener(d -> {
            if (!d.isSuccess()) {
                releasePending();
                publicChannel.close();
                return;
            }
            agentLoop.register(publicChannel).addListener(r -> {
                if (r.isSuccess()) {
                    openStream(ctx, t, client);
                } else {
                    releasePending();
                    publicChannel.close();
                }
            });
        });
    }

    /**
     * Keeps the stream of a member the connection moves away from, idle, for when the connection comes back to that
     * member: a group then opens one stream (and the agent one connection to its local service) per member and
     * visitor connection, not one per request. Runs on the stream's event loop, where the connection is now.
     */
    private void park(HttpTunnel member, Http2StreamChannel s) {
        Http2StreamChannel earlier = parked.put(member, s);
        if (earlier != null) {
            Relay.closeOnFlush(earlier);
        }
        s.pipeline().addLast(PARKED, ParkedStream.INSTANCE);
        // reading on: the agent ending the stream meanwhile must be seen now, not when a request is already on it
        s.config().setAutoRead(true);
    }

    private void openStream(ChannelHandlerContext ctx, HttpTunnel t, String client) {
        Channel publicChannel = ctx.channel();
        Http2StreamChannel idle = parked.remove(t);
        if (idle != null) {
            // the connection is on the member's event loop now, which is the parked stream's too
            if (idle.isActive() && idle.pipeline().get(PARKED) != null) {
                idle.pipeline().remove(PARKED);
                streamReady(ctx, t, idle);
                return;
            }
            idle.close();
        }
        t.openStream(client, addressOf(publicChannel.localAddress()), new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel s) {
                s.pipeline().addLast(StreamFrameAdapter.INSTANCE);
                s.pipeline().addLast("encoder", new HttpRequestEncoder());
                s.pipeline().addLast(new AgentAnswer(publicChannel, t));
                if (route.grouped()) {
                    s.pipeline().addLast("responses", new ResponseBoundaries());
                }
            }
        }).addListener(f -> publicChannel.eventLoop().execute(() -> {
            if (!f.isSuccess()) {
                log.info("[{}] cannot reach the agent for {}: {}", t.name(), client, f.cause().toString());
                failPending(ctx, HttpResponseStatus.BAD_GATEWAY, "Tunnel unavailable",
                        "The agent serving this tunnel could not be reached. Try again in a moment.");
                return;
            }
            streamReady(ctx, t, (Http2StreamChannel) f.getNow());
        }));
    }

    /** Bridges the connection to a stream to {@code t}, new or parked, and sends the held requests on it. */
    private void streamReady(ChannelHandlerContext ctx, HttpTunnel t, Http2StreamChannel s) {
        Channel publicChannel = ctx.channel();
        stream = s;
        responses = s.pipeline().get(ResponseBoundaries.class);
        if (!publicChannel.isActive()) {
            Relay.closeOnFlush(s);
            releasePending();
            return;
        }
        state = State.RELAYING;
        Relay.bridge(publicChannel, s, t.counter());
        // the first request was routed and rewritten already; later ones (pipelined) go through channelRead
        forward(ctx, pending.poll());
        Object msg;
        // a held request that moves to another member stops the replay; the rest waits for that stream
        while (state == State.RELAYING && (msg = pending.poll()) != null) {
            channelRead(ctx, msg);
        }
        ctx.fireChannelReadComplete();
    }

    /** Passes a message on toward the agent; after the last part of an upgrade request, switches to raw bytes. */
    private void forward(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE) {
            // content of a request that was refused, or bytes before any request
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest r && responses != null) {
            responses.requestSent(r.method());
        }
        ctx.fireChannelRead(msg);
        if (upgrading && msg instanceof LastHttpContent && state == State.RELAYING) {
            state = State.RAW;
            Http2StreamChannel s = stream;
            s.eventLoop().execute(() -> {
                if (s.pipeline().get("encoder") != null) {
                    s.pipeline().remove("encoder");
                }
            });
            ctx.pipeline().remove(HttpServer.DECODER);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (firstRequestDeadline != null) {
            firstRequestDeadline.cancel(false);
        }
        releasePending();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("vhost connection {} failed: {}", ctx.channel(), cause.toString());
        releasePending();
        ctx.close();
    }

    private void releasePending() {
        Object m;
        while ((m = pending.poll()) != null) {
            ReferenceCountUtil.release(m);
        }
    }

    private void failPending(ChannelHandlerContext ctx, HttpResponseStatus status, String title, String detail) {
        releasePending();
        state = State.REJECTED;
        ctx.writeAndFlush(ErrorPages.page(ctx.alloc(), status, title, detail)).addListener(f -> ctx.close());
    }

    private void reject(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, String title,
                        String detail, String... headers) {
        ReferenceCountUtil.release(req);
        state = State.REJECTED;
        ctx.channel().config().setAutoRead(true);
        ctx.writeAndFlush(ErrorPages.page(ctx.alloc(), status, title, detail, headers))
                .addListener(f -> ctx.close());
    }

    /** The host part of a Host header, lower case, without port or trailing dot; null if absent. */
    static String hostOf(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return null;
        }
        String h = hostHeader.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            h = end > 0 ? h.substring(0, end + 1) : h;
        } else {
            int colon = h.lastIndexOf(':');
            if (colon >= 0) {
                h = h.substring(0, colon);
            }
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h.toLowerCase(Locale.ROOT);
    }

    private static String addressOf(java.net.SocketAddress address) {
        InetSocketAddress a = (InetSocketAddress) address;
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
