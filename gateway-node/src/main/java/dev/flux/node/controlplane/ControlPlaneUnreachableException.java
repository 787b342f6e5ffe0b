package dev.flux.node.controlplane;

/** The control plane could not be asked: not listening, timed out, or failing (5xx). */
public final class ControlPlaneUnreachableException extends Exception {

    private static final long serialVersionUID = 1L;

    public ControlPlaneUnreachableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
