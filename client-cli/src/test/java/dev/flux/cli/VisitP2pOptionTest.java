package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code fluxctl visit --p2p} and {@code --type xtcp}: checked before anything is read or opened. */
class VisitP2pOptionTest {

    @Test
    void p2pIsForTcpTunnelsOnly() {
        CliRun.Result r = CliRun.run("visit", "ssh", "--secret", "s3cret", "--p2p", "--type", "sudp");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("--p2p: peer to peer is for TCP (xtcp) tunnels; it cannot go with --type sudp");
    }

    @Test
    void anUnknownTypeListsXtcp() {
        CliRun.Result r = CliRun.run("visit", "ssh", "--secret", "s3cret", "--type", "tcp");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith("--type: 'tcp' is not a secret tunnel type (expected: stcp, sudp or xtcp)");
    }

    @Test
    void xtcpGetsAsFarAsTheConfigurationFile() {
        CliRun.Result r = CliRun.run("visit", "ssh", "--secret", "s3cret", "--p2p", "-c", "/nonexistent/flux.toml");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no /nonexistent/flux.toml here");
    }
}
