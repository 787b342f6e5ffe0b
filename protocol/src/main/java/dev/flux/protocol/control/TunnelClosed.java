package dev.flux.protocol.control;

/** Node → agent: the node closed a tunnel on its own (an operator action, a limit). */
public record TunnelClosed(String name, String reason) implements ControlMessage {
}
