package dev.flux.protocol.control;

import java.util.List;

/**
 * Node → agent: the tunnel is live.
 *
 * @param remotePort tcp: the port the node listens on (the allocated one if the agent asked for 0)
 * @param urls       the public URLs, e.g. {@code http://web.tunnel.example.com} or {@code tcp://host:6022}
 */
public record TunnelReady(String name, int remotePort, List<String> urls) implements ControlMessage {

    public TunnelReady {
        urls = urls == null ? List.of() : List.copyOf(urls);
    }
}
