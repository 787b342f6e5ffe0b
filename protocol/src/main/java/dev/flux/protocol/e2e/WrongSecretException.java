package dev.flux.protocol.e2e;

/** The two ends of a secret tunnel stream do not hold the same secret; the handshake failed and nothing was relayed. */
public final class WrongSecretException extends E2eException {

    private static final long serialVersionUID = 1L;

    public WrongSecretException(String tunnel) {
        super("wrong secret for tunnel " + tunnel);
    }
}
