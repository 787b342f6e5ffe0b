package dev.flux.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code p2pPort}: the UDP rendezvous of xtcp tunnels. */
class P2pPortConfigTest {

    private static final String TOKENS = """
            [[tokens]]
            name = "alice"
            token = "flx_0123456789abcdefghij"
            """;

    @TempDir
    Path dir;

    @Test
    void defaultsToTheAgentPortNumber() {
        assertThat(NodeConfigLoader.parse("bindPort = 7443\n" + TOKENS, "node.toml", dir).p2pPort()).isEqualTo(7443);
        assertThat(NodeConfigLoader.parse(TOKENS, "node.toml", dir).p2pPort()).isEqualTo(7000);
    }

    @Test
    void canBeMovedOrTurnedOff() {
        assertThat(NodeConfigLoader.parse("p2pPort = 7001\n" + TOKENS, "node.toml", dir).p2pPort()).isEqualTo(7001);
        assertThat(NodeConfigLoader.parse("p2pPort = -1\n" + TOKENS, "node.toml", dir).p2pPort()).isEqualTo(-1);
    }

    @Test
    void outOfRangeNamesTheKey() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> NodeConfigLoader.parse("p2pPort = 70000\n" + TOKENS, "node.toml", dir));
        assertThat(e.problems().stream().map(ConfigProblem::toString))
                .containsExactly("p2pPort: 70000 is out of range (expected: -1..65535)");
    }
}
