package dev.flux.protocol.e2e;

/**
 * User event fired by {@link SecretStreamHandler} once both ends proved they hold the secret: from now on the
 * handler carries plaintext {@code ByteBuf}s in both directions.
 */
public final class E2eHandshakeCompleted {

    public static final E2eHandshakeCompleted INSTANCE = new E2eHandshakeCompleted();

    private E2eHandshakeCompleted() {
    }

    @Override
    public String toString() {
        return "E2eHandshakeCompleted";
    }
}
