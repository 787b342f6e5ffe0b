package dev.flux.protocol.control;

/** Node → visitor agent: no peer-to-peer session (no such xtcp tunnel, not allowed, rendezvous disabled...). */
public record PeerRejected(long requestId, String reason) implements ControlMessage {
}
