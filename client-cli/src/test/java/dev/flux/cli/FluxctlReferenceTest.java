package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/fluxctl-reference.md is what {@link FluxctlReference} generates from the commands as they are now. */
class FluxctlReferenceTest {

    private static final Path REFERENCE = Path.of("..", "docs", "fluxctl-reference.md");

    @Test
    void theCommittedReferenceIsCurrent() throws Exception {
        String generated = FluxctlReference.render();
        if (Boolean.getBoolean("fluxctl.reference.write")) {
            Files.writeString(REFERENCE, generated);
        }
        assertThat(Files.exists(REFERENCE)).as(REFERENCE.toAbsolutePath() + " exists; generate it with: "
                + FluxctlReference.REGENERATE).isTrue();
        assertThat(Files.readString(REFERENCE))
                .as("docs/fluxctl-reference.md is stale: the commands changed. Regenerate it with:\n  "
                        + FluxctlReference.REGENERATE + "\n")
                .isEqualTo(generated);
    }

    @Test
    void theReferenceNamesEveryCommandAndTheirOptionsWithDefaults() {
        String md = FluxctlReference.render();

        assertThat(md).contains("\n## fluxctl up\n", "\n## fluxctl service install\n", "\n## fluxctl tunnel add\n",
                "| `--admin-port PORT` | `4040` |", "| `-c`, `--config FILE` | `$FLUX_CONFIG, else flux.toml` |",
                "| 2 | invalid command line or configuration file |")
                .doesNotContain("${DEFAULT-VALUE}", "%n", "\n## fluxctl help\n");
    }
}
