package dev.flux.client.p2p;

import dev.flux.protocol.stream.StreamEnded;
import dev.flux.protocol.stream.StreamFrameAdapter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * Lets a QUIC stream carry the pipeline of a secret tunnel stream unchanged: the peer's FIN becomes a
 * {@link StreamEnded} event, an outbound END_STREAM ({@link StreamFrameAdapter#endStream}) becomes a FIN after the
 * data before it, and plain {@code ByteBuf}s pass as they are. HEADERS have no meaning here (the stream is answered
 * by its handshake) and are dropped. So the same {@code SecretStreamHandler}, relay and local dialer serve a visit
 * whether it came through the node or peer to peer.
 *
 * <p>Closing a stream also stops its input (STOP_SENDING): see {@link #close}.
 */
@Sharable
final class QuicStreamAdapter extends ChannelDuplexHandler {

    static final QuicStreamAdapter INSTANCE = new QuicStreamAdapter();
    /** The application error code of the STOP_SENDING a closed stream sends (0: no error, it is just done). */
    static final int STOPPED = 0;

    private QuicStreamAdapter() {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        StreamFrameAdapter.markStream(ctx.channel());
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ctx.fireUserEventTriggered(StreamEnded.INSTANCE);
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Http2DataFrame frame) {
            boolean end = frame.isEndStream();
            if (!end) {
                ctx.write(frame.content(), promise);
                return;
            }
            // a stream frame with FIN: the data first, then the end, as END_STREAM does on HTTP/2
            ctx.write(new DefaultQuicStreamFrame(frame.content(), true), promise);
        } else if (msg instanceof Http2HeadersFrame) {
            ReferenceCountUtil.release(msg);
            promise.setSuccess();
        } else {
            ctx.write(msg, promise);
        }
    }

    /**
     * Netty's close of a bidirectional QUIC stream sends a FIN but leaves the receiving side open until the peer's
     * FIN: whatever the peer still sends (a visitor writing into a service that already hung up) stays unread in
     * quiche, and unread bytes are never credited back to the connection's flow-control window. A few such
     * streams used up the window and stalled every stream of the session. Stopping the input first discards those
     * bytes, returns their credit and tells the peer to stop sending.
     */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (ctx.channel() instanceof QuicStreamChannel stream && stream.isActive() && !stream.isInputShutdown()) {
            stream.shutdownInput(STOPPED);
        }
        ctx.close(promise);
    }
}
