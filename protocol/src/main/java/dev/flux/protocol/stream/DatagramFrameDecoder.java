package dev.flux.protocol.stream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.DecoderException;

/**
 * Splits a byte stream into the datagrams it carries (see {@link DatagramFraming} for the layout): each frame comes
 * out as one {@link ByteBuf} holding exactly the datagram's payload, which the next handler releases. Messages
 * that are not buffers (such as HTTP/2 HEADERS frames) pass through.
 *
 * <p>A length above {@link DatagramFraming#MAX_DATAGRAM_LENGTH}, or a stream that ends inside a frame, is a
 * protocol violation: the decoder discards everything after it, closes the channel and throws a
 * {@link DatagramFramingException} that names the limit and the value.
 */
public final class DatagramFrameDecoder extends LengthPrefixedFrameDecoder {

    public DatagramFrameDecoder() {
        super(DatagramFraming.LENGTH_FIELD_LENGTH, 0, DatagramFraming.MAX_DATAGRAM_LENGTH, "datagram frame",
                "datagram");
    }

    @Override
    protected Object decodeBody(ByteBuf in, int length) {
        return in.readRetainedSlice(length);
    }

    @Override
    protected DecoderException violation(String message) {
        return new DatagramFramingException(message);
    }
}
