package dev.flux.protocol.control;

import java.util.List;

/**
 * The candidate addresses of one end of a peer-to-peer session, as {@code host:port} strings. Agent → node: the
 * agent's own interface addresses with its punch socket's port. Node → agent: the other end's candidates, the
 * address the node saw its probe come from (its NAT's public mapping) first.
 */
public record PeerCandidates(String sessionId, List<String> addresses) implements ControlMessage {

    public PeerCandidates {
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }
}
