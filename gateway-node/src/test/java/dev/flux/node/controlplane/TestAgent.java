package dev.flux.node.controlplane;

import dev.flux.protocol.FluxVersion;
import dev.flux.protocol.control.ControlFrameDecoder;
import dev.flux.protocol.control.ControlFrameEncoder;
import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.control.Login;
import dev.flux.protocol.control.RegisterTunnel;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.stream.Http2Transport;
import dev.flux.protocol.stream.StreamFrameAdapter;
import dev.flux.protocol.stream.StreamHeaders;
import dev.flux.protocol.tls.Fingerprint;
import dev.flux.protocol.tls.NodeTrust;
import dev.flux.protocol.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of the wire protocol, just enough for node tests: logs in, registers tunnels, records the
 * control messages it gets, and answers every HTTP request the node forwards with {@code 200 ok}.
 */
final class TestAgent implements AutoCloseable {

    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    final BlockingQueue<ControlMessage> received = new LinkedBlockingQueue<>();
    private final String token;
    private final String runId = UUID.randomUUID().toString();
    private final Channel connection;
    private volatile Channel control;

    private TestAgent(EventLoopGroup group, InetSocketAddress node, Fingerprint fingerprint, String token)
            throws Exception {
        this.token = token;
        SslContext ssl = TlsContexts.forAgent(new NodeTrust.Pinned(fingerprint));
        connection = new Bootstrap().group(group).channel(Transports.socketChannel())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", node.getPort()));
                        ch.pipeline().addLast(new Alpn());
                    }
                })
                .connect(node).sync().channel();
    }

    /** Connects and logs in (the answer arrives in {@link #received}). */
    static TestAgent connect(EventLoopGroup group, InetSocketAddress node, Fingerprint fingerprint, String token)
            throws Exception {
        return new TestAgent(group, node, fingerprint, token);
    }

    /** The next control message of this type within the time, failing otherwise. */
    <T extends ControlMessage> T await(Class<T> type, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            ControlMessage m = received.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (m == null) {
                throw new AssertionError("no " + type.getSimpleName() + " within " + within);
            }
            if (type.isInstance(m)) {
                return type.cast(m);
            }
        }
    }

    void registerHttp(String name) {
        control.writeAndFlush(new RegisterTunnel(name, "http", "127.0.0.1:8080", 0, null, List.of(), null, null,
                null));
    }

    /** An https tunnel on a custom domain whose TLS the node terminates. */
    void registerHttpsTerminated(String name, String domain) {
        control.writeAndFlush(new RegisterTunnel(name, "https", "127.0.0.1:8080", 0, null, List.of(domain), null,
                null, null, RegisterTunnel.TLS_NODE));
    }

    boolean connected() {
        return connection.isActive();
    }

    /** Waits until the node closed the connection; false when it is still open after the time. */
    boolean awaitClosed(Duration within) {
        return connection.closeFuture().awaitUninterruptibly(within.toMillis());
    }

    @Override
    public void close() {
        connection.close().syncUninterruptibly();
    }

    private final class Alpn extends ApplicationProtocolNegotiationHandler {
        Alpn() {
            super("none");
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!FluxVersion.ALPN.equals(protocol)) {
                ctx.close();
                return;
            }
            Http2Transport.addAgentSide(ctx.pipeline(), new ChannelInitializer<Http2StreamChannel>() {
                @Override
                protected void initChannel(Http2StreamChannel stream) {
                    stream.pipeline().addLast(StreamFrameAdapter.INSTANCE, new Dispatcher());
                }
            });
            ctx.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext c, Object msg) {
                    ReferenceCountUtil.release(msg); // pings and settings of the connection
                }
            });
        }
    }

    private final class Dispatcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof Http2HeadersFrame h)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            Channel stream = ctx.channel();
            if (StreamHeaders.KIND_CONTROL.equals(StreamHeaders.get(h.headers(), StreamHeaders.KIND))) {
                ctx.pipeline().replace(this, "control-decoder", new ControlFrameDecoder());
                stream.pipeline().addLast(ControlFrameEncoder.INSTANCE, new SimpleChannelInboundHandler<ControlMessage>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext c, ControlMessage m) {
                        received.add(m);
                    }
                });
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.accepted()));
                control = stream;
                stream.writeAndFlush(new Login(token, runId, "test", "test-host"));
                return;
            }
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(StreamHeaders.accepted()));
            ctx.pipeline().replace(this, "answer", new ChannelInboundHandlerAdapter() {
                private boolean answered;

                @Override
                public void channelRead(ChannelHandlerContext c, Object request) {
                    ReferenceCountUtil.release(request);
                    if (!answered) {
                        answered = true;
                        ByteBuf response = Unpooled.wrappedBuffer(RESPONSE);
                        c.writeAndFlush(response).addListener(f -> StreamFrameAdapter.endStream(c.channel()));
                    }
                }
            });
        }
    }
}
