package dev.flux.protocol.control;

/** Node → agent: the token was not accepted; the node closes the connection after sending this. */
public record LoginRejected(String reason) implements ControlMessage {
}
