package dev.flux.client;

import java.util.List;

/**
 * A snapshot of one tunnel.
 *
 * @param urls        public URLs; empty until the tunnel is ready
 * @param error       why the tunnel is not ready, or null
 * @param connections connections open now
 * @param bytesIn     bytes from visitors to the local service since the agent started
 * @param bytesOut    bytes from the local service to visitors since the agent started
 */
public record TunnelStatus(String name, String type, String localAddress, TunnelState state, List<String> urls,
                           String error, long connections, long bytesIn, long bytesOut) {

    public TunnelStatus {
        urls = List.copyOf(urls);
    }
}
