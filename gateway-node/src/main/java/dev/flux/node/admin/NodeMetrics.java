package dev.flux.node.admin;

import dev.flux.node.tunnel.Tunnel;
import dev.flux.protocol.FluxVersion;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's metrics in the Prometheus text exposition format (version 0.0.4). Traffic is per live tunnel, labelled
 * with its type and name; a tunnel's series ends when the tunnel closes, as Prometheus expects of a counter whose
 * source goes away.
 */
final class NodeMetrics {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final List<String> TUNNEL_TYPES = List.of("tcp", "udp", "http", "https", "stcp", "sudp");

    private NodeMetrics() {
    }

    static String render(NodeStatus status, Instant now) {
        StringBuilder out = new StringBuilder(1024);
        metric(out, "flux_node_info", "gauge", "The node's version (always 1).");
        out.append("flux_node_info{version=\"").append(label(FluxVersion.product())).append("\"} 1\n");
        metric(out, "flux_node_uptime_seconds", "gauge", "Seconds since the node started.");
        out.append("flux_node_uptime_seconds ")
                .append(Duration.between(status.started(), now).toMillis() / 1000.0).append('\n');
        metric(out, "flux_node_ready", "gauge", "1 when the node serves and, with a control plane, is registered.");
        out.append("flux_node_ready ").append(status.notReadyReason() == null ? 1 : 0).append('\n');
        metric(out, "flux_agents_connected", "gauge", "Agent sessions connected to the node.");
        out.append("flux_agents_connected ").append(status.registry().sessions().size()).append('\n');

        Map<String, Integer> byType = new TreeMap<>();
        TUNNEL_TYPES.forEach(t -> byType.put(t, 0));
        // Two agents may each serve a tunnel of one name (a group's members, say): their series add up.
        Map<String, long[]> traffic = new TreeMap<>();
        for (Tunnel t : status.registry().tunnels()) {
            byType.merge(t.type(), 1, Integer::sum);
            long[] sums = traffic.computeIfAbsent("type=\"" + label(t.type()) + "\",tunnel=\"" + label(t.name())
                    + "\"", k -> new long[4]);
            sums[0] += t.counter().bytesIn();
            sums[1] += t.counter().bytesOut();
            sums[2] += t.counter().openConnections();
            sums[3] += t.counter().totalConnections();
        }
        metric(out, "flux_tunnels", "gauge", "Tunnels the node serves, by type.");
        byType.forEach((type, n) -> out.append("flux_tunnels{type=\"").append(type).append("\"} ").append(n)
                .append('\n'));
        series(out, traffic, 0, "flux_tunnel_received_bytes_total", "counter",
                "Bytes from visitors toward the local service, by tunnel.");
        series(out, traffic, 1, "flux_tunnel_sent_bytes_total", "counter",
                "Bytes from the local service toward visitors, by tunnel.");
        series(out, traffic, 2, "flux_tunnel_open_connections", "gauge",
                "Open public connections (udp: visitor sessions), by tunnel.");
        series(out, traffic, 3, "flux_tunnel_connections_total", "counter",
                "Public connections accepted, by tunnel.");
        return out.toString();
    }

    private static void series(StringBuilder out, Map<String, long[]> traffic, int index, String name, String type,
                               String help) {
        metric(out, name, type, help);
        traffic.forEach((labels, sums) -> out.append(name).append('{').append(labels).append("} ")
                .append(sums[index]).append('\n'));
    }

    private static void metric(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** A label value as the format wants it: backslash, double quote and line feed escaped. */
    static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
