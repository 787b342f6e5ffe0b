package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.ManagedProcess;
import dev.flux.e2e.framework.NodeProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Mistakes that retrying cannot fix: {@code fluxctl up} must stop soon, with its documented exit code and a line
 * that says what is wrong, instead of retrying forever.
 */
class AgentRefusedTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final Duration EXIT_LIMIT = Duration.ofSeconds(10);

    private static NodeProcess node;

    @BeforeAll
    static void startNode() {
        node = flux.startNode(dir);
    }

    enum Mistake {
        WRONG_TOKEN(Map.of("token", "flx_not-the-token-of-this-node"), 3,
                "(?i)token.*(reject|not accepted|invalid)|reject.*token"),
        FINGERPRINT_OF_ANOTHER_NODE(Map.of("fingerprint", "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"), 4,
                "(?i)(trust|certificate|fingerprint)");

        final Map<String, String> config;
        final int exitCode;
        final Pattern message;

        Mistake(Map<String, String> config, int exitCode, String message) {
            this.config = config;
            this.exitCode = exitCode;
            this.message = Pattern.compile(message);
        }
    }

    @ParameterizedTest
    @EnumSource
    void fluxctlUpExitsWithItsCodeAndSaysWhy(Mistake mistake) {
        AgentProcess agent = flux.startAgent(dir, node, """
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8080
                subdomain = "web"
                """, mistake.config);

        assertThat(agent.awaitExit(EXIT_LIMIT)).as("exit code of fluxctl up").isEqualTo(mistake.exitCode);
        assertThat(agent.process().lines()).map(ManagedProcess.Line::text)
                .as("fluxctl's output (stdout and stderr)")
                .anyMatch(line -> mistake.message.matcher(line).find());
    }
}
