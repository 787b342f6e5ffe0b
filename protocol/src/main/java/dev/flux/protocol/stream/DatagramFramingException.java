package dev.flux.protocol.stream;

import io.netty.handler.codec.DecoderException;

/**
 * A violation of the datagram framing ({@link DatagramFraming}): a frame or datagram longer than the maximum, or a
 * stream that ended inside a frame. The message names the limit and the value.
 */
public final class DatagramFramingException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public DatagramFramingException(String message) {
        super(message);
    }
}
