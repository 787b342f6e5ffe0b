package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.AgentException;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigProblem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ExitCodesTest {

    final ExitCodes exitCodes = new ExitCodes();

    @Test
    void mapsEveryFailureKind() {
        assertThat(exitCodes.getExitCode(new AgentException(AgentException.Kind.AUTH_REJECTED, "x"))).isEqualTo(3);
        assertThat(exitCodes.getExitCode(new AgentException(AgentException.Kind.NODE_UNTRUSTED, "x"))).isEqualTo(4);
        assertThat(exitCodes.getExitCode(new AgentException(AgentException.Kind.CONFIG, "x"))).isEqualTo(2);
        assertThat(exitCodes.getExitCode(new ConfigException("f", List.of(new ConfigProblem("k", "m")))))
                .isEqualTo(2);
        assertThat(exitCodes.getExitCode(new IllegalStateException())).isEqualTo(1);
    }

    @Test
    void anUnexpectedFailureIsOneLineWithoutAStack() {
        assertThat(handle(new IllegalStateException("boom"), "up")).isEqualTo("error: boom" + System.lineSeparator());
        assertThat(handle(new IllegalStateException(), "up")).isEqualTo("error: java.lang.IllegalStateException"
                + System.lineSeparator());
    }

    @Test
    void verboseAddsTheStackOfAnUnexpectedFailureOnly() {
        assertThat(handle(new IllegalStateException("boom"), "up", "-v"))
                .startsWith("error: boom" + System.lineSeparator() + "java.lang.IllegalStateException: boom")
                .contains("\tat dev.flux.cli.ExitCodesTest");
        assertThat(handle(new AgentException(AgentException.Kind.AUTH_REJECTED, "no"), "up", "--verbose"))
                .isEqualTo("error: no" + System.lineSeparator());
    }

    private String handle(Exception failure, String... args) {
        CommandLine cli = FluxCtl.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        CommandLine.ParseResult parsed = cli.parseArgs(args);
        CommandLine up = cli.getSubcommands().get("up");
        assertThat(exitCodes.handleExecutionException(failure, up, parsed)).isEqualTo(exitCodes.getExitCode(failure));
        return err.toString();
    }
}
