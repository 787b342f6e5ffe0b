package dev.flux.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import java.util.List;

/**
 * The state machine shared by the length-prefixed codecs on tunnel streams (control messages, datagrams):
 *
 * <pre>
 * +-------------------------------+------------------+
 * | length (2 or 4 B, big-endian) | body (length B)  |
 * +-------------------------------+------------------+
 * </pre>
 *
 * A length outside the allowed range, a body the subclass rejects, or a stream that ends inside a frame is a
 * protocol violation: the decoder discards everything after it, closes the channel and throws the subclass's
 * exception type with a message that names the limit and the value.
 */
public abstract class LengthPrefixedFrameDecoder extends ByteToMessageDecoder {

    private enum State { READ_LENGTH, READ_BODY, BAD_FRAME }

    private final int lengthFieldLength;
    private final int minLength;
    private final int maxLength;
    private final String frameName;
    private final String bodyName;
    private State state = State.READ_LENGTH;
    private int frameLength;

    /**
     * @param lengthFieldLength 2 or 4
     * @param frameName         what a frame is called in messages, e.g. {@code control frame}
     * @param bodyName          what its body is called, e.g. {@code frame body}
     */
    protected LengthPrefixedFrameDecoder(int lengthFieldLength, int minLength, int maxLength, String frameName,
                                         String bodyName) {
        if (lengthFieldLength != 2 && lengthFieldLength != 4) {
            throw new IllegalArgumentException("lengthFieldLength: " + lengthFieldLength + " (expected: 2 or 4)");
        }
        if (minLength < 0 || maxLength < minLength) {
            throw new IllegalArgumentException("minLength: " + minLength + ", maxLength: " + maxLength
                    + " (expected: 0 <= min <= max)");
        }
        this.lengthFieldLength = lengthFieldLength;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.frameName = frameName;
        this.bodyName = bodyName;
    }

    /**
     * Turns a complete body into the message passed on. Reads exactly {@code length} bytes from {@code in}.
     *
     * @throws DecoderException a protocol violation, reported like the framing ones
     */
    protected abstract Object decodeBody(ByteBuf in, int length);

    /** The exception type of this protocol, with the given message. */
    protected abstract DecoderException violation(String message);

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_LENGTH:
                if (in.readableBytes() < lengthFieldLength) {
                    return;
                }
                long length = lengthFieldLength == 2 ? in.readUnsignedShort() : in.readUnsignedInt();
                if (length > maxLength) {
                    throw fail(ctx, in, frameName + " length (" + length + ") exceeds the allowed maximum ("
                            + maxLength + ")");
                }
                if (length < minLength) {
                    throw fail(ctx, in, frameName + " length (" + length + ") is below the minimum (" + minLength
                            + ")");
                }
                frameLength = (int) length;
                state = State.READ_BODY;
                // fall through
            case READ_BODY:
                if (in.readableBytes() < frameLength) {
                    return;
                }
                state = State.READ_LENGTH;
                Object message;
                try {
                    message = decodeBody(in, frameLength);
                } catch (DecoderException e) {
                    throw fail(ctx, in, e.getMessage());
                }
                out.add(message);
                return;
            case BAD_FRAME:
                in.skipBytes(in.readableBytes());
                return;
            default:
                throw new IllegalStateException("unknown state " + state);
        }
    }

    @Override
    protected final void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.BAD_FRAME) {
            in.skipBytes(in.readableBytes());
            return;
        }
        decode(ctx, in, out);
        if (in.isReadable() || state == State.READ_BODY) {
            String what = state == State.READ_BODY
                    ? "got " + in.readableBytes() + " of " + frameLength + " bytes of the " + bodyName
                    : "got " + in.readableBytes() + " of " + lengthFieldLength + " bytes of the frame length";
            String stream = frameName.substring(0, frameName.lastIndexOf(' ')) + " stream";
            throw fail(ctx, in, stream + " ended inside a frame (truncated frame: " + what + ")");
        }
    }

    private DecoderException fail(ChannelHandlerContext ctx, ByteBuf in, String message) {
        state = State.BAD_FRAME;
        in.skipBytes(in.readableBytes());
        ctx.close();
        return violation(message);
    }
}
