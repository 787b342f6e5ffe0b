package dev.flux.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.net.ProxyProtocol;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy keys of {@code [[tunnels]]}: IP rules, limits, groups, PROXY protocol, health checks. */
class TunnelPolicyConfigTest {

    private static final String SERVER = """
            serverAddr = "tunnel.example.com"
            token = "flx_secret-token-value"
            """;

    @TempDir
    Path dir;

    @Test
    void everyPolicyKeySet() {
        TunnelConfig t = parse(SERVER + """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8080
                subdomain = "web"
                allowIps = ["10.0.0.0/8", "192.168.1.7"]
                denyIps = ["10.9.0.0/16", "2001:db8::/32"]
                bandwidthLimit = "1MB"
                maxConnections = 50
                group = "web"
                groupKey = "s3cret"
                proxyProtocol = "v2"
                healthCheck = { type = "http", path = "/healthz", expectStatus = 204, intervalSeconds = 5, timeoutSeconds = 2, failureThreshold = 4 }
                """).tunnels().get(0);
        assertThat(t.policy()).isEqualTo(new TunnelPolicy(List.of("10.0.0.0/8", "192.168.1.7"),
                List.of("10.9.0.0/16", "2001:db8::/32"), 1024 * 1024, 50, "web", "s3cret"));
        assertThat(t.proxyProtocol()).isEqualTo(ProxyProtocol.V2);
        assertThat(t.healthCheck()).isEqualTo(new HealthCheckConfig("http", "/healthz", 204, Duration.ofSeconds(5),
                Duration.ofSeconds(2), 4));
        assertThat(t.toString()).doesNotContain("s3cret");
    }

    @Test
    void defaults() {
        TunnelConfig t = parse(SERVER + """
                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localPort = 22
                [tunnels.healthCheck]
                """).tunnels().get(0);
        assertThat(t.policy()).isEqualTo(TunnelPolicy.NONE);
        assertThat(t.proxyProtocol()).isNull();
        assertThat(t.healthCheck()).isEqualTo(new HealthCheckConfig("tcp", "/", 200, Duration.ofSeconds(10),
                Duration.ofSeconds(3), 3));
        TunnelConfig none = parse(SERVER + """
                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localPort = 22
                """).tunnels().get(0);
        assertThat(none.healthCheck()).isNull();
    }

    @Test
    void badValuesNameTheirKeys() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "dns"
                type = "udp"
                localPort = 53
                allowIps = ["10.0.0.0/33", "example.com"]
                bandwidthLimit = "fast"
                maxConnections = -1
                group = "dns"
                proxyProtocol = "v1"
                healthCheck = { type = "icmp", path = "health", timeoutSeconds = 20, intervalSeconds = 10 }
                """)).containsExactlyInAnyOrder(
                "tunnels[0].allowIps[0]: '10.0.0.0/33' is not an IP address or CIDR block (expected: such as "
                        + "10.0.0.0/8, 192.168.1.7 or 2001:db8::/32) (tunnel 'dns')",
                "tunnels[0].allowIps[1]: 'example.com' is not an IP address or CIDR block (expected: such as "
                        + "10.0.0.0/8, 192.168.1.7 or 2001:db8::/32) (tunnel 'dns')",
                "tunnels[0].bandwidthLimit: 'fast' is not a bandwidth (expected: a whole number of bytes per second "
                        + "with an optional unit B, KB, MB or GB, such as 512KB or 2MB) (tunnel 'dns')",
                "tunnels[0].maxConnections: -1 is out of range (expected: 0..1000000) (tunnel 'dns')",
                "tunnels[0].groupKey: required key is missing: 'group' is set, and joining a group takes its key "
                        + "(tunnel 'dns')",
                "tunnels[0].group: load-balancing groups are supported for tcp, http and https tunnels (this tunnel "
                        + "is udp) (tunnel 'dns')",
                "tunnels[0].proxyProtocol: 'v1' describes TCP connections only; udp tunnels send v2 (a header on "
                        + "every datagram) (tunnel 'dns')",
                "tunnels[0].healthCheck.type: unsupported health check type 'icmp' (supported: tcp, http) "
                        + "(tunnel 'dns')",
                "tunnels[0].healthCheck.path: 'health' must start with '/', such as /healthz (tunnel 'dns')",
                "tunnels[0].healthCheck.timeoutSeconds: 20 is longer than intervalSeconds (10); a check must end "
                        + "before the next one starts (tunnel 'dns')");
    }

    @Test
    void proxyProtocolVersionAndTcpOnlyHealthKeys() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localPort = 22
                proxyProtocol = "v3"
                groupKey = "k"
                healthCheck = { path = "/x", expectStatus = 200 }
                """)).containsExactlyInAnyOrder(
                "tunnels[0].proxyProtocol: 'v3' is not a PROXY protocol version (expected: v1 or v2) (tunnel 'ssh')",
                "tunnels[0].group: required key is missing: 'groupKey' is set but names no group (tunnel 'ssh')",
                "tunnels[0].healthCheck.path: only valid for http health checks (this check is tcp) (tunnel 'ssh')",
                "tunnels[0].healthCheck.expectStatus: only valid for http health checks (this check is tcp) "
                        + "(tunnel 'ssh')");
    }

    private AgentConfig parse(String toml) {
        return AgentConfigLoader.parse(toml, "flux.toml", dir);
    }

    private List<String> failure(String toml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> AgentConfigLoader.parse(toml, "flux.toml", dir));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
