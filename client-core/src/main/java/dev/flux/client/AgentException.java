package dev.flux.client;

/** A failure that retrying cannot fix; the agent stops and reports it. */
public final class AgentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure, so that a CLI can map it to an exit code. */
    public enum Kind {
        /** The node did not accept the token. */
        AUTH_REJECTED,
        /** The node's certificate is not the one the agent was told to trust. */
        NODE_UNTRUSTED,
        /** The configuration cannot work (unreadable CA file). */
        CONFIG
    }

    private final Kind kind;

    public AgentException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
