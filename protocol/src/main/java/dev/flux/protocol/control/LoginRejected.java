package dev.flux.protocol.control;

/**
 * Node → agent: the login was not accepted; the node closes the connection after sending this.
 *
 * @param retryable true when the refusal says nothing about the token (the node cannot check it now, e.g. its
 *                  control plane is unreachable): the agent reconnects later instead of stopping. Absent (null)
 *                  from older nodes, meaning false.
 */
public record LoginRejected(String reason, Boolean retryable) implements ControlMessage {

    /** A refusal of the token itself: the agent stops. */
    public LoginRejected(String reason) {
        this(reason, null);
    }

    /** Whether the agent should try again later rather than stop. */
    public boolean shouldRetry() {
        return Boolean.TRUE.equals(retryable);
    }
}
