package dev.flux.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;

/**
 * Lets the handlers of a stream channel speak plain {@link ByteBuf}s: inbound DATA frames become their content,
 * END_STREAM becomes a {@link StreamEnded} event, outbound buffers become DATA frames. HEADERS frames pass through.
 *
 * <p>Ownership: an inbound frame's content is handed on (the next handler releases it); an empty one is released
 * here.
 */
@Sharable
public final class StreamFrameAdapter extends ChannelDuplexHandler {

    public static final StreamFrameAdapter INSTANCE = new StreamFrameAdapter();

    private StreamFrameAdapter() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2DataFrame data) {
            ByteBuf content = data.content();
            if (content.isReadable()) {
                ctx.fireChannelRead(content);
            } else {
                content.release();
            }
            if (data.isEndStream()) {
                ctx.fireUserEventTriggered(StreamEnded.INSTANCE);
            }
        } else if (msg instanceof Http2HeadersFrame headers) {
            ctx.fireChannelRead(headers);
            if (headers.isEndStream()) {
                ctx.fireUserEventTriggered(StreamEnded.INSTANCE);
            }
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf buf) {
            ctx.write(new DefaultHttp2DataFrame(buf), promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    private static final AttributeKey<Boolean> FRAMED = AttributeKey.valueOf("flux.stream.framed");

    /**
     * Marks a channel that is not an HTTP/2 stream but carries a stream's pipeline and ends its output the same way,
     * with {@link #endStream} (an xtcp QUIC stream, whose adapter turns END_STREAM into a FIN).
     */
    public static void markStream(Channel ch) {
        ch.attr(FRAMED).set(Boolean.TRUE);
    }

    /** True for an HTTP/2 stream or a channel marked with {@link #markStream}: its output ends with END_STREAM. */
    public static boolean isStream(Channel ch) {
        return ch instanceof Http2StreamChannel || Boolean.TRUE.equals(ch.attr(FRAMED).get());
    }

    private static final AttributeKey<ChannelFuture> ENDED = AttributeKey.valueOf("flux.stream.ended");

    /**
     * Ends the local side of a stream (END_STREAM on an empty DATA frame) after everything written before it. Only
     * the first call writes; later ones (from any thread) get the same future, so a close chained to it waits for
     * the END_STREAM frame instead of resetting the stream while its data still waits for flow-control credit.
     */
    public static ChannelFuture endStream(Channel stream) {
        ChannelPromise promise = stream.newPromise();
        ChannelFuture earlier = stream.attr(ENDED).setIfAbsent(promise);
        if (earlier != null) {
            return earlier;
        }
        return stream.writeAndFlush(new DefaultHttp2DataFrame(true), promise);
    }
}
