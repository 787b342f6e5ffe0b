package dev.flux.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a byte stream into the datagrams it carries (see {@link DatagramFraming} for the layout): each frame comes
 * out as one {@link ByteBuf} holding exactly the datagram's payload, which the next handler releases. Messages
 * that are not buffers (such as HTTP/2 HEADERS frames) pass through.
 *
 * <p>A length above {@link DatagramFraming#MAX_DATAGRAM_LENGTH}, or a stream that ends inside a frame, is a
 * protocol violation: the decoder discards everything after it, closes the channel and throws a
 * {@link DatagramFramingException} that names the limit and the value.
 */
public final class DatagramFrameDecoder extends ByteToMessageDecoder {

    private enum State { READ_LENGTH, READ_PAYLOAD, BAD_FRAME }

    private State state = State.READ_LENGTH;
    private int frameLength;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_LENGTH:
                if (in.readableBytes() < DatagramFraming.LENGTH_FIELD_LENGTH) {
                    return;
                }
                int length = in.readUnsignedShort();
                if (length > DatagramFraming.MAX_DATAGRAM_LENGTH) {
                    throw fail(ctx, in, "datagram frame length (" + length + ") exceeds the allowed maximum ("
                            + DatagramFraming.MAX_DATAGRAM_LENGTH + ")");
                }
                frameLength = length;
                state = State.READ_PAYLOAD;
                // fall through
            case READ_PAYLOAD:
                if (in.readableBytes() < frameLength) {
                    return;
                }
                state = State.READ_LENGTH;
                out.add(in.readRetainedSlice(frameLength));
                return;
            case BAD_FRAME:
                in.skipBytes(in.readableBytes());
                return;
            default:
                throw new IllegalStateException("unknown state " + state);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.BAD_FRAME) {
            in.skipBytes(in.readableBytes());
            return;
        }
        decode(ctx, in, out);
        if (in.isReadable() || state == State.READ_PAYLOAD) {
            String what = state == State.READ_PAYLOAD
                    ? "got " + in.readableBytes() + " of " + frameLength + " bytes of the datagram"
                    : "got " + in.readableBytes() + " of " + DatagramFraming.LENGTH_FIELD_LENGTH
                      + " bytes of the frame length";
            throw fail(ctx, in, "datagram stream ended inside a frame (truncated frame: " + what + ")");
        }
    }

    private DatagramFramingException fail(ChannelHandlerContext ctx, ByteBuf in, String message) {
        state = State.BAD_FRAME;
        in.skipBytes(in.readableBytes());
        ctx.close();
        return new DatagramFramingException(message);
    }
}
