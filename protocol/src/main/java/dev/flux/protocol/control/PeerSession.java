package dev.flux.protocol.control;

/**
 * Node → visitor and owner agent: a peer-to-peer session between them is set up. Each sends rendezvous probes
 * carrying {@code sessionId} from the UDP socket it will punch with to the node's {@code rendezvousPort} (same host
 * as the agent connection), then tells the node its local addresses in {@link PeerCandidates}.
 *
 * @param requestId      the visitor's {@link PeerConnect#requestId()}; 0 in the owner's copy
 * @param tunnel         the xtcp tunnel's name
 * @param sessionId      32 hex digits, random and used once: it names the session in probes and punches
 * @param role           {@value #VISITOR} or {@value #OWNER}: which end the receiving agent is
 * @param rendezvousPort the node's UDP rendezvous port
 * @param peer           who the other end is (for logs): the visitor's name in the owner's copy, the owner's in
 *                       the visitor's
 */
public record PeerSession(long requestId, String tunnel, String sessionId, String role, int rendezvousPort,
                          String peer) implements ControlMessage {

    public static final String VISITOR = "visitor";
    public static final String OWNER = "owner";
}
