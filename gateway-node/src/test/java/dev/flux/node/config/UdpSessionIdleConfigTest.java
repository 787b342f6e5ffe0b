package dev.flux.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code udpSessionIdleSeconds} in node.toml: how long a UDP tunnel keeps an idle visitor session. */
class UdpSessionIdleConfigTest {

    private static final String TOKENS = """
            [[tokens]]
            name = "alice"
            token = "flx_0123456789abcdefghij"
            """;

    @TempDir
    Path dir;

    @Test
    void defaultsToAMinute() {
        assertThat(parse(TOKENS).udpSessionIdleSeconds()).isEqualTo(60);
    }

    @Test
    void isReadFromTheFile() {
        assertThat(parse("udpSessionIdleSeconds = 5\n" + TOKENS).udpSessionIdleSeconds()).isEqualTo(5);
        assertThat(parse("udpSessionIdleSeconds = 86400\n" + TOKENS).udpSessionIdleSeconds()).isEqualTo(86_400);
    }

    @Test
    void outOfRangeAndWrongTypesNameTheKey() {
        assertThat(failure("udpSessionIdleSeconds = 0\n" + TOKENS))
                .containsExactly("udpSessionIdleSeconds: 0 is out of range (expected: 1..86400)");
        assertThat(failure("udpSessionIdleSeconds = 86401\n" + TOKENS))
                .containsExactly("udpSessionIdleSeconds: 86401 is out of range (expected: 1..86400)");
        assertThat(failure("udpSessionIdleSeconds = \"60s\"\n" + TOKENS))
                .containsExactly("udpSessionIdleSeconds: expected an integer, got string \"60s\"");
    }

    @Test
    void theRecordRefusesANonPositiveIdleTime() {
        NodeConfig ok = parse(TOKENS);
        assertThatThrownBy(() -> new NodeConfig(ok.bindAddr(), ok.bindPort(), ok.proxyBindAddr(), ok.publicHost(),
                ok.vhostHttpPort(), ok.vhostBindAddr(), ok.subdomainHost(), ok.allowPorts(), ok.dataDir(),
                ok.heartbeatTimeoutSeconds(), ok.tls(), ok.tokens(), ok.controlPlane(), ok.https(),
                ok.staticMappings(), ok.admin(), ok.p2pPort(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("udpSessionIdleSeconds: 0 (expected: > 0)");
    }

    private NodeConfig parse(String toml) {
        return NodeConfigLoader.parse(toml, "node.toml", dir);
    }

    private List<String> failure(String toml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> NodeConfigLoader.parse(toml, "node.toml", dir));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
