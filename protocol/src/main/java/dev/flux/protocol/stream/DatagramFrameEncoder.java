package dev.flux.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;

/**
 * Frames each outbound {@link ByteBuf} as one datagram (see {@link DatagramFraming} for the layout); other messages
 * pass through. The payload is copied behind its length into one buffer, so a datagram becomes one HTTP/2 DATA
 * frame, and the written buffer is released.
 *
 * <p>A buffer longer than {@link DatagramFraming#MAX_DATAGRAM_LENGTH} is released and its write fails with a
 * {@link DatagramFramingException}; callers that may see such datagrams check the length first and drop them.
 */
@Sharable
public final class DatagramFrameEncoder extends ChannelOutboundHandlerAdapter {

    public static final DatagramFrameEncoder INSTANCE = new DatagramFrameEncoder();

    private DatagramFrameEncoder() {
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf datagram)) {
            ctx.write(msg, promise);
            return;
        }
        int length = datagram.readableBytes();
        if (length > DatagramFraming.MAX_DATAGRAM_LENGTH) {
            datagram.release();
            promise.setFailure(new DatagramFramingException("datagram length (" + length
                    + ") exceeds the allowed maximum (" + DatagramFraming.MAX_DATAGRAM_LENGTH + ")"));
            return;
        }
        ByteBuf frame;
        try {
            frame = ctx.alloc().ioBuffer(DatagramFraming.LENGTH_FIELD_LENGTH + length);
            frame.writeShort(length).writeBytes(datagram, datagram.readerIndex(), length);
        } finally {
            datagram.release();
        }
        ctx.write(frame, promise);
    }
}
