package dev.flux.protocol.control;

/**
 * Visitor agent → node: asks for a peer-to-peer session with the owner of an xtcp tunnel. The node answers both
 * agents with a {@link PeerSession} (or the visitor with {@link PeerRejected}).
 *
 * @param requestId  chosen by the visitor agent, unique per connection
 * @param serverName the xtcp tunnel's name
 * @param serverUser the owner (token name standalone, user name with a control plane), or null for any single one
 */
public record PeerConnect(long requestId, String serverName, String serverUser) implements ControlMessage {
}
