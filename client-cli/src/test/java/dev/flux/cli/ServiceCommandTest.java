package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code fluxctl service} on Linux, run as its own process against stand-ins for {@code systemctl},
 * {@code journalctl} and {@code loginctl} on the PATH that record their arguments: no systemd user session runs
 * here (nor in CI), so what is checked is the unit written and the exact commands fluxctl gives systemd.
 */
@EnabledOnOs(OS.LINUX)
class ServiceCommandTest {

    @TempDir
    Path tmp;

    private Path home;
    private Path bin;
    private Path calls;
    private Path unit;

    @BeforeEach
    void fakeSystemd() throws IOException {
        home = Files.createDirectories(tmp.resolve("home"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        calls = tmp.resolve("calls.log");
        unit = home.resolve(".config/systemd/user/flux-agent.service");
        script("systemctl", """
                echo "systemctl $*" >> "$FAKE_CALLS"
                case "$2" in
                  is-active) echo active ;;
                  is-enabled) echo enabled ;;
                esac
                """);
        script("journalctl", """
                echo "journalctl $*" >> "$FAKE_CALLS"
                echo "2026-11-24T10:00:00+0000 host fluxctl[42]: [web] tunnel ready http://web.example.com"
                """);
        script("loginctl", "echo \"loginctl $*\" >> \"$FAKE_CALLS\"\n");
    }

    @Test
    void installWritesTheUnitAndEnablesItStatusShowsItUninstallRemovesIt() throws Exception {
        Path config = Files.writeString(Files.createDirectories(tmp.resolve("my agent")).resolve("flux.toml"), "");

        Run install = fluxctl("service", "install", "-c", config.toString());

        assertThat(install.exitCode).as(install.toString()).isZero();
        String text = Files.readString(unit);
        assertThat(text).contains("\nWorkingDirectory=\"" + config.getParent() + "\"\n")
                .containsPattern("\nExecStart=\\S+/bin/java -cp \\S+ dev\\.flux\\.cli\\.FluxCtl up -c \""
                        + java.util.regex.Pattern.quote(config.toString()) + "\"\n");
        assertThat(calls()).containsExactly(
                "systemctl --user daemon-reload",
                "systemctl --user enable flux-agent.service",
                "systemctl --user restart flux-agent.service");
        assertThat(install.out).contains("wrote " + unit, "started flux-agent.service",
                "loginctl enable-linger " + System.getProperty("user.name"));

        Run status = fluxctl("service", "status", "-n", "5");

        assertThat(status.exitCode).as(status.toString()).isZero();
        assertThat(status.out).contains("flux-agent.service: active (enabled)", "unit file: " + unit,
                "[web] tunnel ready http://web.example.com");
        assertThat(calls()).endsWith("systemctl --user is-active flux-agent.service",
                "systemctl --user is-enabled flux-agent.service",
                "journalctl --user -u flux-agent.service -n 5 --no-pager -o short-iso");

        Run uninstall = fluxctl("service", "uninstall");

        assertThat(uninstall.exitCode).as(uninstall.toString()).isZero();
        assertThat(unit).doesNotExist();
        assertThat(calls()).endsWith("systemctl --user disable --now flux-agent.service",
                "systemctl --user daemon-reload");
        assertThat(uninstall.out).contains("stopped and disabled flux-agent.service", "removed " + unit);

        Run again = fluxctl("service", "status");
        assertThat(again.exitCode).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(again.err).contains("the agent service is not installed (no " + unit + ")",
                "fluxctl service install");
    }

    @Test
    void lingerTurnsOnLingeringAndTheLoginIsFollowedFromItsDirectory() throws Exception {
        Path configDir = Files.createDirectories(tmp.resolve("flux config"));
        Files.writeString(configDir.resolve("credentials.toml"),
                "server = \"http://127.0.0.1:8443\"\ntoken = \"flx_abc\"\nusername = \"alice\"\n");

        Run install = fluxctl("service", "install", "--linger", "--config-dir", configDir.toString());

        assertThat(install.exitCode).as(install.toString()).isZero();
        assertThat(Files.readString(unit)).contains("\nWorkingDirectory=\"" + configDir + "\"\n")
                .contains(" dev.flux.cli.FluxCtl up --config-dir \"" + configDir + "\"\n");
        assertThat(calls()).endsWith("loginctl enable-linger " + System.getProperty("user.name"));
        assertThat(install.out).contains("lingering is on");
    }

    @Test
    void withoutAUserSessionTheUnitIsWrittenAndTheErrorSaysWhatToDo() throws Exception {
        script("systemctl", """
                echo "systemctl $*" >> "$FAKE_CALLS"
                echo "Failed to connect to bus: No medium found" >&2
                exit 1
                """);
        Path config = Files.writeString(tmp.resolve("flux.toml"), "");

        Run install = fluxctl("service", "install", "-c", config.toString());

        assertThat(install.exitCode).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(unit).exists();
        assertThat(install.err).contains("systemctl --user cannot reach your systemd user session (Failed to "
                        + "connect to bus: No medium found)", "the unit is written to " + unit + " but not running",
                "loginctl enable-linger", "systemctl --user enable --now flux-agent.service")
                .doesNotContain("Exception");
    }

    @Test
    void withoutSystemdAtAllTheErrorSaysSo() throws Exception {
        Path config = Files.writeString(tmp.resolve("flux.toml"), "");

        Run install = fluxctl(List.of(), "/nonexistent", "service", "install", "-c", config.toString());

        assertThat(install.exitCode).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(install.err).contains("cannot run systemctl", "does not seem to run systemd");
    }

    @Test
    void dryRunPrintsTheUnitAndWritesNothing() throws Exception {
        Path config = Files.writeString(tmp.resolve("flux.toml"), "");

        Run run = fluxctl("service", "install", "--dry-run", "-c", config.toString());

        assertThat(run.exitCode).as(run.toString()).isZero();
        assertThat(run.out).startsWith("# " + unit + " (not written: --dry-run)\n[Unit]\n")
                .contains("ExecStart=", " up -c " + config);
        assertThat(unit).doesNotExist();
        assertThat(calls).doesNotExist();
    }

    @Test
    void badInputIsNamed() throws Exception {
        Run missing = fluxctl("service", "install", "-c", tmp.resolve("nope.toml").toString());
        assertThat(missing.exitCode).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err).contains("--config: " + tmp.resolve("nope.toml") + " is not a file");

        Run noLogin = fluxctl("service", "install", "--config-dir", tmp.resolve("empty").toString());
        assertThat(noLogin.exitCode).isEqualTo(ExitCodes.RUNTIME_ERROR);
        assertThat(noLogin.err).contains("not logged in", "fluxctl login");
        assertThat(unit).doesNotExist();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run fluxctl(String... args) throws Exception {
        return fluxctl(List.of(), bin + ":" + System.getenv("PATH"), args);
    }

    private Run fluxctl(List<String> jvmArgs, String path, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmArgs);
        command.add(FluxCtl.class.getName());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
        Map<String, String> env = pb.environment();
        env.put("PATH", path);
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        env.remove("FLUX_CONFIG");
        env.put("FLUX_CONFIG_DIR", home.resolve(".config/flux").toString());
        env.put("FAKE_CALLS", calls.toString());
        Process process = pb.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("fluxctl finished").isTrue();
        return new Run(process.exitValue(), Files.readString(tmp.resolve("out.txt")),
                Files.readString(tmp.resolve("err.txt")));
    }

    private List<String> calls() throws IOException {
        return Files.readAllLines(calls, StandardCharsets.UTF_8);
    }

    private void script(String name, String body) throws IOException {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
