package dev.flux.client;

import dev.flux.client.config.HealthCheckConfig;
import dev.flux.protocol.net.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one tunnel's health check on the agent's event loop: every interval a TCP connect to the local service, or
 * an HTTP/1.1 GET whose status line must carry the expected status. Reports each change of health to
 * {@code onChange} with the reason of the last failure.
 */
final class HealthChecker {

    private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);
    /** The longest status line read; a server that sends more before its CRLF is not an HTTP server. */
    private static final int MAX_STATUS_LINE = 1024;

    private final String tunnel;
    private final String host;
    private final int port;
    private final HealthCheckConfig config;
    private final EventLoop loop;
    private final HealthState state;
    private final BiConsumer<Boolean, String> onChange;
    private ScheduledFuture<?> timer;
    private boolean stopped;

    /** @param onChange called on the loop with (healthy, reason of the last failure or null) */
    HealthChecker(String tunnel, String host, int port, HealthCheckConfig config, EventLoop loop,
                  BiConsumer<Boolean, String> onChange) {
        this.tunnel = tunnel;
        this.host = host;
        this.port = port;
        this.config = config;
        this.loop = loop;
        this.state = new HealthState(config.failureThreshold());
        this.onChange = onChange;
    }

    void start() {
        loop.execute(() -> {
            long interval = config.interval().toMillis();
            timer = loop.scheduleAtFixedRate(this::check, 0, interval, TimeUnit.MILLISECONDS);
        });
    }

    void stop() {
        loop.execute(() -> {
            stopped = true;
            if (timer != null) {
                timer.cancel(false);
            }
        });
    }

    private void check() {
        long timeout = config.timeout().toMillis();
        boolean http = HealthCheckConfig.HTTP.equals(config.type());
        StatusLineReader reader = http ? new StatusLineReader() : null;
        ChannelFuture connect = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout)
                .handler(http ? reader : new Discard())
                .connect(host, port);
        if (http) {
            // the connect timeout covers connecting; this covers the whole exchange
            ScheduledFuture<?> deadline = loop.schedule(() -> reader.timeOut(connect.channel(), timeout),
                    timeout, TimeUnit.MILLISECONDS);
            connect.channel().closeFuture().addListener(f -> deadline.cancel(false));
        }
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result(false, f.cause() instanceof ConnectException
                        ? "the local service at " + host + ":" + port + " refused the connection"
                        : "cannot connect to " + host + ":" + port + ": " + f.cause().getMessage());
            } else if (HealthCheckConfig.TCP.equals(config.type())) {
                connect.channel().close();
                result(true, null);
            }
        });
    }

    private void result(boolean ok, String reason) {
        if (stopped) {
            return;
        }
        HealthState.Change change = ok ? state.success() : state.failure();
        if (!ok) {
            log.debug("[{}] health check failed ({} in a row): {}", tunnel, state.failuresInARow(), reason);
        }
        switch (change) {
            case BECAME_UNHEALTHY -> onChange.accept(false, "health check failed " + state.failuresInARow()
                    + " times in a row: " + reason);
            case BECAME_HEALTHY -> onChange.accept(true, null);
            default -> { }
        }
    }

    /** A TCP check only needs the connection; anything the service sends is dropped. */
    private static final class Discard extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    /** Sends the GET and judges the status line of the answer. */
    private final class StatusLineReader extends ChannelInboundHandlerAdapter {
        private final StringBuilder line = new StringBuilder();
        private boolean done;

        void timeOut(Channel ch, long timeoutMillis) {
            if (!done && ch.isActive()) {
                done = true;
                ch.close();
                result(false, "GET " + config.path() + " got no answer within " + timeoutMillis + " ms");
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            String request = "GET " + config.path() + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nUser-Agent: flux-health-check\r\nConnection: close\r\n\r\n";
            ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(request.getBytes(StandardCharsets.US_ASCII)));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                while (!done && buf.isReadable()) {
                    char c = (char) buf.readByte();
                    if (c == '\n' || line.length() > MAX_STATUS_LINE) {
                        judge(ctx, line.toString().strip());
                    } else {
                        line.append(c);
                    }
                }
            } finally {
                buf.release();
            }
        }

        private void judge(ChannelHandlerContext ctx, String statusLine) {
            done = true;
            ctx.close();
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                result(false, "the local service did not answer HTTP (got '" + abbreviate(statusLine) + "')");
            } else if (!String.valueOf(config.expectStatus()).equals(parts[1])) {
                result(false, "GET " + config.path() + " answered " + parts[1] + ", expected "
                        + config.expectStatus());
            } else {
                result(true, null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!done) {
                done = true;
                result(false, "the local service closed the connection before answering GET " + config.path());
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        private static String abbreviate(String s) {
            return s.length() > 40 ? s.substring(0, 40) + "..." : s;
        }
    }

}
