package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeChatCommandTest {

    @Test
    void signPrintsTheSignatureOfTheOfficialVector() {
        CliRun.Result r = CliRun.run("wechat", "sign", "--token", "AAAAA", "--timestamp", "1714036504", "--nonce",
                "1514711492");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696\n");
    }

    @Test
    void signChecksASignatureAndSaysWhyItFails() {
        CliRun.Result ok = CliRun.run("wechat", "sign", "--token", "AAAAA", "--timestamp", "1714036504", "--nonce",
                "1514711492", "--signature", "f464b24fc39322e44b38aa78f5edd27bd1441696");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).isEqualTo("valid: f464b24fc39322e44b38aa78f5edd27bd1441696\n");

        CliRun.Result bad = CliRun.run("wechat", "sign", "--token", "AAAAB", "--timestamp", "1714036504", "--nonce",
                "1514711492", "--signature", "f464b24fc39322e44b38aa78f5edd27bd1441696");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("invalid: signature 'f464b24fc39322e44b38aa78f5edd27bd1441696' does not "
                + "match the expected").doesNotContain("Exception");

        CliRun.Result missing = CliRun.run("wechat", "sign", "--token", "AAAAA", "--nonce", "1");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--timestamp");
    }

    @Test
    void setChecksItsArgumentsBeforeCallingTheAgent() {
        CliRun.Result r = CliRun.run("wechat", "set", "wx", "--token", "pamtest", "--aes-key", "short",
                "--app-id", "wx1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("EncodingAESKey has 5 characters, not 43");
    }
}
