package dev.flux.node.tunnel;

/**
 * An agent's login was refused.
 *
 * @see AgentGate#login(String)
 */
public final class LoginRefusedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /** @param retryable true when the refusal says nothing about the token (the control plane is unreachable) */
    public LoginRefusedException(String reason, boolean retryable) {
        super(reason, null, false, false);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
