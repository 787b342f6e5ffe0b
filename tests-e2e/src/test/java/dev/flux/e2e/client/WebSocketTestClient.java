package dev.flux.e2e.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client (Netty's handshaker) that connects to 127.0.0.1:port but asks for the host of its URI, so
 * that the node routes the upgrade by {@code Host} like any HTTP request.
 */
public final class WebSocketTestClient implements AutoCloseable {

    private static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

    /** A received message: {@code text} or binary, and its payload. */
    public record Message(boolean text, byte[] payload) {
    }

    private final EventLoopGroup group;
    private final Channel channel;
    private final BlockingQueue<Object> received;

    private WebSocketTestClient(EventLoopGroup group, Channel channel, BlockingQueue<Object> received) {
        this.group = group;
        this.channel = channel;
        this.received = received;
    }

    /**
     * Connects to 127.0.0.1:{@code port} and completes the handshake for {@code uri} (e.g.
     * {@code ws://ws.tunnel.test:PORT/ws}).
     *
     * @throws Exception when the connection or the handshake fails or times out
     */
    public static WebSocketTestClient connect(int port, URI uri, Duration timeout) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        CompletableFuture<Void> handshake = new CompletableFuture<>();
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(uri)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(MAX_MESSAGE_BYTES)
                .handshakeTimeoutMillis(timeout.toMillis())
                .build();
        try {
            Channel channel = new Bootstrap()
                    .group(group)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(64 * 1024),
                                    new WebSocketClientProtocolHandler(config),
                                    new WebSocketFrameAggregator(MAX_MESSAGE_BYTES),
                                    new Receiver(handshake, received));
                        }
                    })
                    .connect(InetAddress.getLoopbackAddress(), port).sync().channel();
            handshake.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new WebSocketTestClient(group, channel, received);
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    public void sendText(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    public void sendBinary(byte[] payload) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload))).syncUninterruptibly();
    }

    /** The next message, or an AssertionError if none comes within the timeout or the connection failed. */
    public Message receive(Duration timeout) throws InterruptedException {
        Object next = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (next == null) {
            throw new AssertionError("no WebSocket message within " + timeout.toMillis() + " ms");
        }
        if (next instanceof Throwable t) {
            throw new AssertionError("the WebSocket connection failed", t);
        }
        return (Message) next;
    }

    @Override
    public void close() {
        if (channel.isActive()) {
            channel.writeAndFlush(new CloseWebSocketFrame()).awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Copies each message out of its buffer (which is then released) into the queue. */
    private static final class Receiver extends SimpleChannelInboundHandler<WebSocketFrame> {
        private final CompletableFuture<Void> handshake;
        private final BlockingQueue<Object> received;

        Receiver(CompletableFuture<Void> handshake, BlockingQueue<Object> received) {
            this.handshake = handshake;
            this.received = received;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                handshake.complete(null);
            } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
                handshake.completeExceptionally(new AssertionError("WebSocket handshake timed out"));
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame) {
                received.add(new Message(frame instanceof TextWebSocketFrame, ByteBufUtil.getBytes(frame.content())));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshake.completeExceptionally(cause);
            received.add(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshake.completeExceptionally(new AssertionError("connection closed before the handshake completed"));
            ctx.fireChannelInactive();
        }
    }
}
