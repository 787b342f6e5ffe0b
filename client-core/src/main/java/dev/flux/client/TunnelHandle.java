package dev.flux.client;

import dev.flux.client.config.TunnelConfig;
import dev.flux.protocol.control.RegisterTunnel;
import dev.flux.protocol.stream.TrafficCounter;
import java.util.List;

/** The agent's state of one configured tunnel. Touched only on the agent's event loop, except the counter. */
final class TunnelHandle {

    final TunnelConfig config;
    final TrafficCounter counter = new TrafficCounter();
    final Backoff rejectBackoff = new Backoff(2_000, 60_000);
    TunnelState state = TunnelState.CONNECTING;
    List<String> urls = List.of();
    String error;
    /** The port the node gave this tunnel; asked for again after a reconnect so the address stays the same. */
    int assignedPort;
    /** The health check of the local service, or null when the tunnel has none. */
    HealthChecker healthChecker;
    /** False while the health check finds the local service unhealthy: the tunnel is then off the node. */
    boolean healthy = true;

    TunnelHandle(TunnelConfig config) {
        this.config = config;
    }

    String localAddress() {
        return config.localIp() + ":" + config.localPort();
    }

    RegisterTunnel registration() {
        if (config.secret()) {
            // the secret stays here: the node gets the type and who may visit, never the key
            return new RegisterTunnel(config.name(), config.type(), localAddress(), 0, null, List.of(), null, null,
                    null, config.allowUsers());
        }
        int port = config.remotePort() != 0 ? config.remotePort() : assignedPort;
        return new RegisterTunnel(config.name(), config.type(), localAddress(), port, config.subdomain(),
                config.customDomains(), config.hostHeaderRewrite(), config.httpUser(), config.httpPassword(),
                config.tlsTermination(), config.policy(), config.allowUsers());
    }

    TunnelStatus status() {
        return new TunnelStatus(config.name(), config.type(), localAddress(), state, urls, error,
                counter.openConnections(), counter.bytesIn(), counter.bytesOut());
    }
}
