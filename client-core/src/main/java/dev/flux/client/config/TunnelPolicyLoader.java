package dev.flux.client.config;

import dev.flux.protocol.config.ConfigTable;
import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.net.AddressRules;
import dev.flux.protocol.net.Bandwidth;
import dev.flux.protocol.net.ProxyProtocol;
import java.time.Duration;
import java.util.List;

/**
 * Reads the policy keys of a {@code [[tunnels]]} entry: {@code allowIps}, {@code denyIps}, {@code bandwidthLimit},
 * {@code maxConnections}, {@code group}, {@code groupKey}, {@code proxyProtocol} and the {@code healthCheck} table.
 * Problems are recorded on the table, by key.
 */
final class TunnelPolicyLoader {

    static final int DEFAULT_HEALTH_INTERVAL_SECONDS = 10;
    static final int DEFAULT_HEALTH_TIMEOUT_SECONDS = 3;
    static final int DEFAULT_FAILURE_THRESHOLD = 3;

    private TunnelPolicyLoader() {
    }

    static TunnelPolicy policy(ConfigTable t, String type) {
        List<String> allow = t.strings("allowIps", TunnelPolicyLoader::isAddressRule,
                "is not an IP address or CIDR block (expected: such as 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)");
        List<String> deny = t.strings("denyIps", TunnelPolicyLoader::isAddressRule,
                "is not an IP address or CIDR block (expected: such as 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)");
        long bandwidth = 0;
        String limit = t.string("bandwidthLimit");
        if (limit != null) {
            try {
                bandwidth = Bandwidth.parse(limit);
            } catch (IllegalArgumentException e) {
                t.problem("bandwidthLimit", e.getMessage());
            }
        }
        int maxConnections = t.integer("maxConnections", 0, 0, 1_000_000);
        String group = t.string("group");
        String groupKey = t.secret("groupKey");
        if (group != null && groupKey == null) {
            t.problem("groupKey", "required key is missing: 'group' is set, and joining a group takes its key");
        } else if (group == null && groupKey != null) {
            t.problem("group", "required key is missing: 'groupKey' is set but names no group");
        }
        if (group != null && !TunnelConfig.TCP.equals(type) && !TunnelConfig.HTTP.equals(type)
                && !TunnelConfig.HTTPS.equals(type) && type != null) {
            t.problem("group", "load-balancing groups are supported for tcp, http and https tunnels (this tunnel is "
                    + type + ")");
        }
        return new TunnelPolicy(allow, deny, bandwidth, maxConnections, group, groupKey);
    }

    static ProxyProtocol proxyProtocol(ConfigTable t, String type) {
        String value = t.string("proxyProtocol");
        if (value == null) {
            return null;
        }
        ProxyProtocol version;
        try {
            version = ProxyProtocol.parse(value);
        } catch (IllegalArgumentException e) {
            t.problem("proxyProtocol", "'" + value + "' is not a PROXY protocol version (expected: v1 or v2)");
            return null;
        }
        if (TunnelConfig.UDP.equals(type) && version == ProxyProtocol.V1) {
            // version 1 is text naming TCP4/TCP6 only; version 2 has a datagram address family
            t.problem("proxyProtocol", "'v1' describes TCP connections only; udp tunnels send v2 (a header on "
                    + "every datagram)");
            return null;
        }
        return version;
    }

    static HealthCheckConfig healthCheck(ConfigTable tunnel) {
        if (!tunnel.has("healthCheck")) {
            return null;
        }
        ConfigTable h = tunnel.table("healthCheck");
        String type = h.string("type", HealthCheckConfig.TCP);
        if (!HealthCheckConfig.TCP.equals(type) && !HealthCheckConfig.HTTP.equals(type)) {
            h.problem("type", "unsupported health check type '" + type + "' (supported: tcp, http)");
        }
        String path = h.string("path", "/");
        if (!path.startsWith("/")) {
            h.problem("path", "'" + path + "' must start with '/', such as /healthz");
        }
        if (HealthCheckConfig.TCP.equals(type)) {
            for (String key : List.of("path", "expectStatus")) {
                if (h.has(key)) {
                    h.problem(key, "only valid for http health checks (this check is tcp)");
                }
            }
        }
        int expectStatus = h.integer("expectStatus", 200, 100, 599);
        int interval = h.integer("intervalSeconds", DEFAULT_HEALTH_INTERVAL_SECONDS, 1, 3600);
        int timeout = h.integer("timeoutSeconds", DEFAULT_HEALTH_TIMEOUT_SECONDS, 1, 600);
        int threshold = h.integer("failureThreshold", DEFAULT_FAILURE_THRESHOLD, 1, 100);
        if (timeout > interval && h.has("timeoutSeconds")) {
            h.problem("timeoutSeconds", timeout + " is longer than intervalSeconds (" + interval
                    + "); a check must end before the next one starts");
        }
        return new HealthCheckConfig(type, path, expectStatus, Duration.ofSeconds(interval),
                Duration.ofSeconds(Math.min(timeout, interval)), threshold);
    }

    private static boolean isAddressRule(String value) {
        try {
            AddressRules.of(List.of(value), List.of());
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
