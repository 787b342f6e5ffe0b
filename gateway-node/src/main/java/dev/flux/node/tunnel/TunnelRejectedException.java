package dev.flux.node.tunnel;

/** A tunnel registration the node refuses; the message is shown to the user as it is. */
public final class TunnelRejectedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    public TunnelRejectedException(String message, boolean retryable) {
        super(message, null, false, false);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
