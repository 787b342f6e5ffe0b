package dev.flux.protocol.control;

/** Node → visitor agent: the visit cannot be served (no such tunnel, user not allowed, limit reached...). */
public record VisitRejected(long visitId, String reason) implements ControlMessage {
}
