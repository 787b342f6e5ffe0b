package dev.flux.protocol.control;

/**
 * Node → agent: the tunnel was refused.
 *
 * @param retryable true when the same request may succeed later (a port held by another agent), false when the
 *                  request itself is wrong (port outside the allowed ranges, no subdomain host configured)
 */
public record TunnelRejected(String name, String reason, boolean retryable) implements ControlMessage {
}
