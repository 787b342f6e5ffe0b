package dev.flux.protocol.e2e;

/** Which end of a secret tunnel stream a {@link SecretStreamHandler} is. */
public enum E2eRole {
    /** The end that opens a local port ({@code fluxctl visit}, {@code [[visitors]]}). */
    VISITOR,
    /** The agent that serves the tunnel's local service. */
    OWNER
}
