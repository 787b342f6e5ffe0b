package dev.flux.protocol.control;

import io.netty.handler.codec.DecoderException;

/**
 * A violation of the control-stream protocol: an oversized, truncated or malformed frame, an unknown message
 * type or an unsupported version. The connection that produced it is closed.
 */
public final class ControlProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public ControlProtocolException(String message) {
        super(message);
    }

    public ControlProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
