package dev.flux.client.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** xtcp tunnels and visitors in flux.toml: secret tunnels like stcp, with the same keys and checks. */
class XtcpConfigTest {

    private static final String SERVER = """
            serverAddr = "tunnel.example.com"
            token = "flx_secret-token-value"
            """;

    @TempDir
    Path dir;

    @Test
    void ownerAndVisitor() {
        AgentConfig config = AgentConfigLoader.parse(SERVER + """
                [[tunnels]]
                name = "ssh"
                type = "xtcp"
                localPort = 22
                secretKey = "s3cret"

                [[visitors]]
                name = "ssh-here"
                type = "xtcp"
                serverName = "ssh"
                secretKey = "s3cret"
                bindPort = 2222
                """, "flux.toml", dir);

        TunnelConfig ssh = config.tunnels().get(0);
        assertThat(ssh.type()).isEqualTo(TunnelConfig.XTCP);
        assertThat(ssh.secret()).isTrue();
        assertThat(config.visitors()).containsExactly(
                new VisitorConfig("ssh-here", "xtcp", "ssh", null, "s3cret", "127.0.0.1", 2222));
    }

    @Test
    void anXtcpTunnelNeedsItsSecretAndOpensNoPort() {
        assertThat(failure(SERVER + """
                [[tunnels]]
                name = "ssh"
                type = "xtcp"
                localPort = 22
                remotePort = 6000
                """)).containsExactly(
                "tunnels[0].remotePort: not valid for xtcp tunnels: they open no port on the node; visitors reach "
                        + "them with [[visitors]] or `fluxctl visit` (tunnel 'ssh')",
                "tunnels[0].secretKey: required key is missing: xtcp tunnels need the secret their visitors must "
                        + "hold (tunnel 'ssh')");
    }

    private List<String> failure(String toml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> AgentConfigLoader.parse(toml, "flux.toml", dir));
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
