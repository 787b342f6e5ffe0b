package dev.flux.protocol.e2e;

import io.netty.handler.codec.DecoderException;

/**
 * An end-to-end encrypted stream cannot go on: a record failed authentication (tampered, replayed, reordered or
 * sealed with another key), the stream was cut short, or the peer broke the handshake. The stream is closed.
 */
public class E2eException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public E2eException(String message) {
        super(message);
    }
}
