package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigVerifyCommandTest {

    @TempDir
    Path dir;

    @Test
    void aValidFileIsSummarised() throws IOException {
        Path file = write("""
                serverAddr = "tunnel.example.com"
                token = "flx_verify-test-token-0123456789"
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 8080
                subdomain = "web"
                [[tunnels]]
                name = "ssh"
                type = "tcp"
                localPort = 22
                """);

        CliRun.Result r = CliRun.run("config", "verify", "-c", file.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(file + ": OK (2 tunnels: web (http), ssh (tcp))" + System.lineSeparator());
        assertThat(r.err()).isEmpty();
    }

    @Test
    void everyProblemIsListedWithItsKeyPath() throws IOException {
        Path file = write("""
                serverAddr = "tunnel.example.com:7000"
                token = "flx_verify-test-token-0123456789"
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = 80800
                [[tunnels]]
                name = "ssh"
                type = "ftp"
                lcoalPort = 22
                """);

        CliRun.Result r = CliRun.run("config", "verify", "--config", file.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).allMatch(line -> line.startsWith(file + ": "));
        assertThat(r.err())
                .contains(file + ": serverAddr: 'tunnel.example.com:7000' looks like host:port")
                .contains("tunnels[0].localPort")
                .contains("needs a 'subdomain'")
                .contains("tunnels[1].type: unsupported tunnel type 'ftp'")
                .contains("lcoalPort")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
        assertThat(r.err().lines().count()).isGreaterThanOrEqualTo(5);
    }

    @Test
    void aMissingFileIsAConfigurationError() {
        Path missing = dir.resolve("nope.toml");

        CliRun.Result r = CliRun.run("config", "verify", "-c", missing.toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).startsWith(missing + ": file not found");
    }

    private Path write(String toml) throws IOException {
        return Files.writeString(dir.resolve("flux.toml"), toml);
    }
}
