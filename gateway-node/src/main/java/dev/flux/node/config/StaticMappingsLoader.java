package dev.flux.node.config;

import dev.flux.node.config.NodeConfig.PortRange;
import dev.flux.node.config.NodeConfig.StaticMapping;
import dev.flux.node.config.NodeConfig.TargetHealthCheck;
import dev.flux.protocol.config.ConfigTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Reads the {@code [[staticMappings]]} of node.toml; problems are recorded on the tables, by key. */
final class StaticMappingsLoader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern TARGET = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]]+):([0-9]{1,5})");
    private static final List<String> STRATEGIES = List.of(StaticMapping.ROUND_ROBIN, StaticMapping.LEAST_CONNECTIONS);

    private StaticMappingsLoader() {
    }

    static List<StaticMapping> staticMappings(ConfigTable root, List<PortRange> allowPorts) {
        List<StaticMapping> out = new ArrayList<>();
        Map<String, String> names = new HashMap<>();
        Map<Integer, String> ports = new HashMap<>();
        for (ConfigTable t : root.tables("staticMappings")) {
            String name = t.requiredString("name");
            if (name != null && !NAME.matcher(name).matches()) {
                t.problem("name", "'" + name + "' is not a valid name (expected: 1..64 of A-Z a-z 0-9 _ . -)");
            } else if (name != null && names.putIfAbsent(name, t.keyPath()) != null) {
                t.problem("name", "duplicate static mapping name '" + name + "' (also used by " + names.get(name) + ")");
            } else if (name != null) {
                t.describedAs("static mapping '" + name + "'");
            }
            int bindPort = t.requiredInteger("bindPort", 1, 65535);
            if (bindPort > 0 && ports.putIfAbsent(bindPort, t.keyPath()) != null) {
                t.problem("bindPort", "port " + bindPort + " is already used by " + ports.get(bindPort));
            } else if (bindPort > 0 && allowPorts.stream().anyMatch(r -> r.contains(bindPort))) {
                t.problem("bindPort", "port " + bindPort + " is inside allowPorts, which tunnels take ports from; "
                        + "choose a port outside it so that no tunnel can be refused for it");
            }
            List<String> targets = t.strings("targets", v -> isTarget(v),
                    "is not host:port (expected: such as 10.0.0.5:8080 or [2001:db8::5]:8080)");
            if (!t.has("targets")) {
                t.problem("targets", "required key is missing: list at least one host:port to forward to");
            } else if (targets.isEmpty() && !t.hasProblems("targets")) {
                t.problem("targets", "must list at least one host:port to forward to");
            }
            String strategy = t.string("strategy", StaticMapping.ROUND_ROBIN);
            if (!STRATEGIES.contains(strategy)) {
                t.problem("strategy", "unknown strategy '" + strategy + "' (expected: round_robin or "
                        + "least_connections)");
            }
            TargetHealthCheck health = null;
            if (t.has("healthCheck")) {
                ConfigTable h = t.table("healthCheck");
                String type = h.string("type", "tcp");
                if (!"tcp".equals(type)) {
                    h.problem("type", "unsupported health check type '" + type + "' for a static mapping "
                            + "(supported: tcp)");
                }
                int interval = h.integer("intervalSeconds", 10, 1, 3600);
                int timeout = h.integer("timeoutSeconds", 3, 1, 600);
                int threshold = h.integer("failureThreshold", 3, 1, 100);
                health = new TargetHealthCheck(Duration.ofSeconds(interval),
                        Duration.ofSeconds(Math.min(timeout, interval)), threshold);
            }
            out.add(new StaticMapping(name, bindPort, targets, strategy, health));
        }
        return out;
    }

    private static boolean isTarget(String value) {
        var m = TARGET.matcher(value);
        if (!m.matches()) {
            return false;
        }
        int port = Integer.parseInt(m.group(2));
        return port >= 1 && port <= 65535;
    }
}
