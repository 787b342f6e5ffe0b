package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.protocol.auth.Tokens;
import org.junit.jupiter.api.Test;

class TokenCommandTest {

    @Test
    void generatePrintsATokenAndTheHashANodeStores() {
        CliRun.Result r = CliRun.run("token", "generate");

        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        String[] lines = r.out().split("\\R");
        assertThat(lines).hasSize(3);
        String token = lines[0];
        assertThat(token).matches("flx_[A-Za-z0-9_-]{43}");
        assertThat(lines[1]).isEqualTo("tokenHash = \"" + Tokens.hash(token) + "\"");
        assertThat(lines[2]).contains("flux.toml").contains("node.toml");
    }

    @Test
    void everyTokenIsNew() {
        String first = CliRun.run("token", "generate").out().lines().findFirst().orElseThrow();
        String second = CliRun.run("token", "generate").out().lines().findFirst().orElseThrow();

        assertThat(first).isNotEqualTo(second);
    }
}
