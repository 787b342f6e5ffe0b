package dev.flux.protocol.control;

import dev.flux.protocol.stream.LengthPrefixedFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.DecoderException;

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
public final class ControlFrameDecoder extends LengthPrefixedFrameDecoder {

    /** 64 KiB: the largest message is a tunnel registration with its domain list. */
    public static final int DEFAULT_MAX_FRAME_LENGTH = 64 * 1024;

    public ControlFrameDecoder() {
        this(DEFAULT_MAX_FRAME_LENGTH);
    }

    public ControlFrameDecoder(int maxFrameLength) {
        super(4, 1, checkMax(maxFrameLength), "control frame", "frame body");
    }

    private static int checkMax(int maxFrameLength) {
        if (maxFrameLength <= 0) {
            throw new IllegalArgumentException("maxFrameLength: " + maxFrameLength + " (expected: > 0)");
        }
        return maxFrameLength;
    }

    @Override
    protected Object decodeBody(ByteBuf in, int length) {
        byte[] json = ByteBufUtil.getBytes(in, in.readerIndex(), length);
        in.skipBytes(length);
        return ControlJson.read(json);
    }

    @Override
    protected DecoderException violation(String message) {
        return new ControlProtocolException(message);
    }
}
