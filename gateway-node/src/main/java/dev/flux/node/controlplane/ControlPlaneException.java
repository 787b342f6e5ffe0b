package dev.flux.node.controlplane;

/**
 * The control plane answered with an error ({@code {"error", "message"}}): a refusal that says something about
 * the request, unlike {@link ControlPlaneUnreachableException}.
 */
public final class ControlPlaneException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    public ControlPlaneException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    /** The snake_case error code, e.g. {@code token_revoked}. */
    public String error() {
        return error;
    }
}
