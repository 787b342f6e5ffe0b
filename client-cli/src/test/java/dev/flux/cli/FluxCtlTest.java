package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.protocol.FluxVersion;
import org.junit.jupiter.api.Test;

/** The command tree as a whole: version, help, usage errors, completion. */
class FluxCtlTest {

    @Test
    void versionNamesTheProductAndTheProtocol() {
        CliRun.Result r = CliRun.run("version");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("fluxctl " + FluxVersion.product() + " (protocol " + FluxVersion.PROTOCOL
                + ")" + System.lineSeparator());
        assertThat(r.err()).isEmpty();
        assertThat(CliRun.run("--version").out()).isEqualTo(r.out());
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun.Result r = CliRun.run("frobnicate");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument at index 0: 'frobnicate'").contains("Usage: fluxctl");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void misspelledCommandGetsASuggestionAndTheUsage() {
        CliRun.Result r = CliRun.run("verison");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Did you mean: fluxctl version").contains("Usage: fluxctl");
    }

    @Test
    void unknownOptionIsAUsageErrorWithThatCommandsUsage() {
        CliRun.Result r = CliRun.run("up", "--frobnicate");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--frobnicate'").contains("Usage: fluxctl up");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void missingSubcommandIsAUsageError() {
        assertThat(CliRun.run().exitCode()).isEqualTo(2);
        CliRun.Result r = CliRun.run("config");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required subcommand").contains("Usage: fluxctl config")
                .contains("verify");
    }

    @Test
    void everyCommandsHelpListsTheExitCodes() {
        for (String[] args : new String[][] {{"--help"}, {"up", "--help"}, {"config", "verify", "-h"},
                {"help", "token", "generate"}}) {
            CliRun.Result r = CliRun.run(args);

            assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args))
                    .contains("Exit codes:")
                    .containsPattern("0 +success")
                    .containsPattern("2 +invalid command line or configuration file")
                    .containsPattern("3 +the node or the control plane rejected the token")
                    .containsPattern("4 +the node's certificate is not trusted");
        }
    }

    @Test
    void upHelpDocumentsTheEventLinesAndOptions() {
        String help = CliRun.run("up", "--help").out();

        assertThat(help).contains("[NAME] tunnel ready URL", "-c, --config=FILE", "-v, --verbose", "FLUX_CONFIG");
    }

    @Test
    void completionPrintsABashScriptForTheWholeTree() {
        CliRun.Result r = CliRun.run("completion");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("complete -F _complete_fluxctl").contains("up").contains("verify")
                .contains("generate");
    }

    @Test
    void everyCommandsHelpRendersCleanly() {
        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream picocliWarnings = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(picocliWarnings, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            for (String[] args : new String[][] {{"login", "-h"}, {"logout", "-h"}, {"whoami", "-h"},
                    {"tunnel", "add", "-h"}, {"tunnel", "list", "-h"}, {"tunnel", "rm", "-h"},
                    {"tunnel", "enable", "-h"}, {"tunnel", "disable", "-h"}, {"http", "-h"}, {"up", "-h"}}) {
                CliRun.Result r = CliRun.run(args);
                assertThat(r.exitCode()).as(String.join(" ", args)).isZero();
                assertThat(r.out()).as(String.join(" ", args)).contains("Usage: fluxctl").contains("Exit codes:");
            }
        } finally {
            System.setErr(realErr);
        }
        assertThat(picocliWarnings.toString(java.nio.charset.StandardCharsets.UTF_8)).isEmpty();
    }
}
