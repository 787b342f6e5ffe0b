package dev.flux.protocol.control;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Decodes control frames into {@link ControlMessage}s.
 *
 * <pre>
 * +----------------+---------------------------------+
 * | length: uint32 | JSON object, UTF-8 (length B)   |
 * +----------------+---------------------------------+
 *   big-endian       {"type":"login","v":1,...}
 * </pre>
 *
 * A frame longer than the maximum, an empty frame, bytes that are not a JSON object, an unknown message type or a
 * stream that ends inside a frame is a protocol violation: the decoder discards everything after it, closes the
 * channel and throws a {@link ControlProtocolException} that names the limit and the value.
 */
public final class ControlFrameDecoder extends ByteToMessageDecoder {

    /** 64 KiB: the largest message is a tunnel registration with its domain list. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;

    private enum State { READ_LENGTH, READ_BODY, BAD_FRAME }

    private final int maxFrameLength;
    private State state = State.READ_LENGTH;
    private int frameLength;

    public ControlFrameDecoder() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    public ControlFrameDecoder(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: > 0)");
        }
        this.maxFrameLength = maxFrameLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case READ_LENGTH:
                if (in.readableBytes() < 4) {
                    return;
                }
                long length = in.readUnsignedInt();
                if (length > maxFrameLength) {
                    throw fail(ctx, in, "control frame length (" + length + ") exceeds the allowed maximum ("
                            + maxFrameLength + ")");
                }
                if (length == 0) {
                    throw fail(ctx, in, "control frame length (0) is below the minimum (1)");
                }
                frameLength = (int) length;
                state = State.READ_BODY;
                // fall through
            case READ_BODY:
                if (in.readableBytes() < frameLength) {
                    return;
                }
                byte[] json = ByteBufUtil.getBytes(in, in.readerIndex(), frameLength);
                in.skipBytes(frameLength);
                state = State.READ_LENGTH;
                try {
                    out.add(ControlJson.read(json));
                } catch (ControlProtocolException e) {
                    throw fail(ctx, in, e.getMessage());
                }
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
        if (in.isReadable() || state == State.READ_BODY) {
            String what = state == State.READ_BODY
                    ? "got " + in.readableBytes() + " of " + frameLength + " bytes of the frame body"
                    : "got " + in.readableBytes() + " of 4 bytes of the frame length";
            throw fail(ctx, in, "control stream ended inside a frame (truncated frame: " + what + ")");
        }
    }

    private ControlProtocolException fail(ChannelHandlerContext ctx, ByteBuf in, String message) {
        state = State.BAD_FRAME;
        in.skipBytes(in.readableBytes());
        ctx.close();
        return new ControlProtocolException(message);
    }
}
