package dev.flux.protocol.control;

/** Node → agent: the token was accepted. */
public record LoginAccepted(String sessionId, String nodeName, String version) implements ControlMessage {
}
