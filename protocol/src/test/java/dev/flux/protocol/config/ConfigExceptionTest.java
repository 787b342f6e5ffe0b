package dev.flux.protocol.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigExceptionTest {

    @Test
    void messageListsEveryProblemOnItsOwnLine() {
        ConfigException e = new ConfigException("flux.toml", List.of(
                new ConfigProblem("tunnels[1].localPort", "70000 is out of range (expected: 1..65535)"),
                new ConfigProblem("", "invalid TOML at line 3, column 1: duplicate key")));

        assertThat(e.getMessage()).isEqualTo(
                "flux.toml: tunnels[1].localPort: 70000 is out of range (expected: 1..65535)\n"
                + "flux.toml: invalid TOML at line 3, column 1: duplicate key");
        assertThat(e.source()).isEqualTo("flux.toml");
        assertThat(e.problems()).hasSize(2);
    }

    @Test
    void problemsAreACopy() {
        List<ConfigProblem> problems = new ArrayList<>(List.of(new ConfigProblem("a", "b")));
        ConfigException e = new ConfigException("x.toml", problems);
        problems.clear();

        assertThat(e.problems()).hasSize(1);
        assertThatThrownBy(() -> e.problems().add(new ConfigProblem("c", "d")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void needsAtLeastOneProblem() {
        assertThatThrownBy(() -> new ConfigException("x.toml", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("problems: [] (expected: at least one)");
    }

    @Test
    void problemPrintsItsPathUnlessItConcernsTheWholeFile() {
        assertThat(new ConfigProblem("tls.caFile", "file not found: /x")).hasToString("tls.caFile: file not found: /x");
        assertThat(new ConfigProblem("", "file not found")).hasToString("file not found");
    }
}
