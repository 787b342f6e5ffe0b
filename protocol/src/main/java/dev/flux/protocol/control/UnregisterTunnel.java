package dev.flux.protocol.control;

/** Agent → node: stop exposing a tunnel. */
public record UnregisterTunnel(String name) implements ControlMessage {
}
