package dev.flux.client.controlplane;

/**
 * The control plane could not be reached or refused a request. The message is meant for the user as it is: the
 * control plane's own sentence for a refusal ("subdomain 'wx' is taken"), or what went wrong with the connection.
 */
public final class ControlPlaneException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure, so that a CLI can map it to an exit code. */
    public enum Kind {
        /** No answer: connection refused, timed out, host unknown. Retrying later may help. */
        UNREACHABLE,
        /** 401: the token is unknown, revoked or expired, or its user is disabled. */
        UNAUTHENTICATED,
        /** Any other refusal (4xx), with the control plane's {@code error} code. */
        REFUSED,
        /** A 5xx or an answer this client cannot read. */
        SERVER_ERROR
    }

    private final Kind kind;
    private final int status;
    private final String code;

    public ControlPlaneException(Kind kind, int status, String code, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, 0 when there was no answer. */
    public int status() {
        return status;
    }

    /** The ApiError code ({@code subdomain_taken}), or null when the answer had none. */
    public String code() {
        return code;
    }
}
