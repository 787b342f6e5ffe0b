package dev.flux.protocol.control;

/**
 * Visitor agent → node: a local connection (or UDP peer) of a visitor wants a stream to a secret tunnel. The node
 * answers by opening a {@code visit} stream to the visitor carrying {@code visitId} in {@code flux-visit}, bridged
 * to a new stream to the owner; or with {@link VisitRejected}.
 *
 * @param visitId    chosen by the visitor agent, unique per connection
 * @param tunnelType {@code stcp} or {@code sudp}
 * @param serverName the secret tunnel's name
 * @param serverUser the owner (token name standalone, user name with a control plane), or null for any single one
 */
public record OpenVisit(long visitId, String tunnelType, String serverName, String serverUser)
        implements ControlMessage {
}
