package dev.flux.node.tunnel;

import dev.flux.protocol.control.RegisterTunnel;

/**
 * What a node serves for a tunnel registration: the registration as the authority changed it (the subdomain,
 * port and password the control plane recorded) and the control plane's id of the tunnel.
 *
 * @param tunnelId null in standalone mode
 */
public record TunnelGrant(RegisterTunnel registration, Long tunnelId) {
}
