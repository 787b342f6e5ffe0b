package dev.flux.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flux.node.config.NodeConfig.AdminConfig;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code [admin] bind} in node.toml. */
class AdminConfigTest {

    private static final String ALICE = """
            [[tokens]]
            name = "alice"
            token = "flx_0123456789abcdefghij"
            """;

    @Test
    void offUnlessSet() {
        assertThat(admin("")).isNull();
    }

    @Test
    void aPortAloneIsOnLoopback() {
        assertThat(admin("bind = \":7400\"")).isEqualTo(new AdminConfig("127.0.0.1", 7400));
        assertThat(admin("bind = \"7400\"")).isEqualTo(new AdminConfig("127.0.0.1", 7400));
    }

    @Test
    void aHostAndPort() {
        assertThat(admin("bind = \"0.0.0.0:9100\"")).isEqualTo(new AdminConfig("0.0.0.0", 9100));
        assertThat(admin("bind = \"localhost:0\"")).isEqualTo(new AdminConfig("localhost", 0));
        assertThat(admin("bind = \"[::1]:7400\"")).isEqualTo(new AdminConfig("::1", 7400));
    }

    @Test
    void aBadBindIsNamedWithWhatIsExpected() {
        for (String bad : List.of("localhost", "127.0.0.1:70000", "::1:7400", "127.0.0.1:", "1.2.3.4:x")) {
            assertThat(failure("[admin]\nbind = \"" + bad + "\"\n" + ALICE)).as(bad).containsExactly("admin.bind: '"
                    + bad + "' is not an address and port (expected: such as \"127.0.0.1:7400\", or \":7400\" for "
                    + "127.0.0.1; the port 0-65535)");
        }
        assertThat(failure("[admin]\nbind = 7400\nport = 1\n" + ALICE)).containsExactly(
                "admin.bind: expected a string, got integer 7400", "admin.port: unknown key 'port'");
    }

    private static AdminConfig admin(String table) {
        return NodeConfigLoader.parse("[admin]\n" + table + "\n" + ALICE, "node.toml").admin();
    }

    private static List<String> failure(String toml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> NodeConfigLoader.parse(toml, "node.toml"));
        assertThat(e).as("expected a ConfigException").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }
}
