package dev.flux.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stcp/sudp tunnels and [[visitors]] in flux.toml. */
class SecretTunnelConfigTest {

    private static final String SERVER = """
            serverAddr = "tunnel.example.com"
            token = "flx_secret-token-value"
            """;

    @TempDir
    Path dir;

    @Test
    void ownerAndVisitorEntries() {
        AgentConfig config = parse(SERVER + """
                [[tunnels]]
                name = "ssh"
                type = "stcp"
                localPort = 22
                secretKey = "s3cret"
                allowUsers = ["alice", "bob"]

                [[visitors]]
                name = "dns-here"
                type = "sudp"
                serverName = "dns"
                serverUser = "carol"
                secretKey = "other"
                bindAddr = "127.0.0.2"
                bindPort = 5353
                """);

        TunnelConfig ssh = config.tunnels().get(0);
        assertThat(ssh.secret()).isTrue();
        assertThat(ssh.secretKey()).isEqualTo("s3cret");
        assertThat(ssh.allowUsers()).containsExactly("alice", "bob");
        assertThat(ssh.toString()).doesNotContain("s3cret");
        assertThat(config.visitors()).containsExactly(
                new VisitorConfig("dns-here", "sudp", "dns", "carol", "other", "127.0.0.2", 5353));
        assertThat(config.visitors().get(0).toString()).doesNotContain("other");
    }

    @Test
    void visitorsAloneAreEnough() {
        AgentConfig config = parse(SERVER + """
                [[visitors]]
                name = "ssh"
                type = "stcp"
                serverName = "ssh"
                secretKey = "s3cret"
                bindPort = 0
                """);

        assertThat(config.tunnels()).isEmpty();
        assertThat(config.visitors().get(0).bindAddr()).isEqualTo("127.0.0.1");
    }

    @Test
    void secretTunnelMistakesNameTheKey() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "ssh"
                type = "stcp"
                localPort = 22
                remotePort = 6000
                subdomain = "x"

                [[tunnels]]
                name = "web"
                type = "tcp"
                localPort = 80
                secretKey = "s"
                """)).containsExactly(
                "tunnels[0].subdomain: only valid for http tunnels (this tunnel is stcp) (tunnel 'ssh')",
                "tunnels[0].remotePort: not valid for stcp tunnels: they open no port on the node; visitors reach "
                        + "them with [[visitors]] or `fluxctl visit` (tunnel 'ssh')",
                "tunnels[0].secretKey: required key is missing: stcp tunnels need the secret their visitors must hold "
                        + "(tunnel 'ssh')",
                "tunnels[1].secretKey: only valid for stcp, sudp and xtcp tunnels (this tunnel is tcp) (tunnel 'web')");
    }

    @Test
    void visitorMistakesNameTheKey() {
        assertThat(failure(SERVER + """
                [[visitors]]
                name = "a"
                type = "tcp"
                serverName = "no spaces"
                bindPort = 70000

                [[visitors]]
                name = "b"
                type = "stcp"
                serverName = "x"
                secretKey = "s"
                bindPort = 6000

                [[visitors]]
                name = "c"
                type = "stcp"
                serverName = "y"
                secretKey = "s"
                bindPort = 6000
                """)).containsExactly(
                "visitors[0].type: unsupported visitor type 'tcp' (supported: stcp, sudp, xtcp) (visitor 'a')",
                "visitors[0].serverName: 'no spaces' is not a tunnel name (expected: 1..64 of A-Z a-z 0-9 _ . -) "
                        + "(visitor 'a')",
                "visitors[0].secretKey: required key is missing (visitor 'a')",
                "visitors[0].bindPort: 70000 is out of range (expected: 0..65535) (visitor 'a')",
                "visitors[2].bindPort: local stcp port 127.0.0.1:6000 is already used by visitors[1] (visitor 'c')");
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
