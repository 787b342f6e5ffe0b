package dev.flux.installers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** fluxctl's .deb and .tar.gz: their layout, and the packaged fluxctl running from where they were unpacked. */
class FluxctlPackageIT {

    @TempDir
    Path temp;

    @Test
    void debIsWellFormedAndInstallsTheCommandItsRuntimeAndCompletion() throws IOException {
        Deb deb = Deb.built("fluxctl", "fluxctl-deb");
        assertThat(deb.field("Depends")).isEqualTo("libc6, libgcc-s1, libstdc++6, zlib1g");
        deb.assertContains("/usr/bin/fluxctl -> ../lib/fluxctl/bin/fluxctl",
                "/usr/lib/fluxctl/bin/fluxctl",
                "/usr/lib/fluxctl/lib/fluxctl.jar",
                "/usr/lib/fluxctl/runtime/bin/java",
                "/usr/lib/fluxctl/runtime/lib/server/classes.jsa",
                "/usr/share/bash-completion/completions/fluxctl",
                "/usr/share/zsh/vendor-completions/_fluxctl");
        // the application archive is made on the machine it is installed on (it is tied to the jar's path)
        assertThat(deb.contents).noneMatch(path -> path.endsWith(".jsa") && path.contains("/lib/fluxctl/lib/"));
        Path control = deb.control(temp.resolve("control"));
        assertThat(Files.readString(control.resolve("postinst"))).contains("/usr/lib/fluxctl/bin/fluxctl version");
        assertThat(Files.isExecutable(control.resolve("postinst"))).isTrue();
        assertThat(Files.isExecutable(control.resolve("prerm"))).isTrue();

        Path root = deb.extract(temp.resolve("root"));
        Path fluxctl = root.resolve("usr/bin/fluxctl");
        assertThat(Files.isSymbolicLink(fluxctl)).isTrue();
        runsVersionAndConfigVerify(fluxctl);
        bashCompletionCompletesSubcommands(root.resolve("usr/share/bash-completion/completions/fluxctl"));
        if (Proc.onPath("zsh")) {
            Proc.ok("zsh", "-n", root.resolve("usr/share/zsh/vendor-completions/_fluxctl").toString());
        } else {
            System.out.println("SKIPPED the zsh syntax check of _fluxctl: zsh was not found on the PATH");
        }
    }

    @Test
    void tarGzUnpacksToARunnableFluxctl() throws IOException {
        String name = "fluxctl-" + Packages.version() + "-linux-" + Packages.arch();
        Path tar = Packages.require("fluxctl", Packages.dir().resolve(name + ".tar.gz"));
        Proc.ok("tar", "-C", temp.toString(), "-xzf", tar.toString());
        Path home = temp.resolve(name);
        assertThat(home.resolve("bin/fluxctl")).isExecutable();
        assertThat(home.resolve("share/bash-completion/completions/fluxctl")).isRegularFile();
        assertThat(home.resolve("share/zsh/vendor-completions/_fluxctl")).isRegularFile();
        // trimmed: no compiler, no JavaFX, no jmods in the runtime
        assertThat(home.resolve("runtime/bin/javac")).doesNotExist();
        assertThat(home.resolve("runtime/jmods")).doesNotExist();
        assertThat(Proc.ok(home.resolve("runtime/bin/java").toString(), "--list-modules"))
                .contains("java.base", "jdk.crypto.ec")
                .doesNotContain("java.compiler", "jdk.jshell");
        runsVersionAndConfigVerify(home.resolve("bin/fluxctl"));
    }

    /**
     * {@code fluxctl version} and {@code fluxctl config verify}; the first run makes the class-data archive, and the
     * next runs load fluxctl's own classes from it.
     */
    private void runsVersionAndConfigVerify(Path fluxctl) throws IOException {
        Map<String, String> env = Map.of("HOME", temp.toString(), "XDG_CONFIG_HOME", temp.resolve("config").toString());
        Proc.Result version = Proc.run(Proc.SHORT, env, temp, List.of(fluxctl.toString(), "version"));
        assertThat(version.exit()).as(version.out()).isZero();
        assertThat(version.out().strip()).isEqualTo("fluxctl " + Packages.version() + " (protocol 1)");

        Path lib = fluxctl.toRealPath().getParent().resolveSibling("lib");
        assertThat(lib.resolve("fluxctl.jsa")).as("the class-data archive made by the first run").isRegularFile();
        Path classLog = temp.resolve("classes.log");
        Map<String, String> logged = new java.util.HashMap<>(env);
        logged.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classLog + " -XshowSettings:properties");
        Proc.Result again = Proc.run(Proc.SHORT, logged, temp, List.of(fluxctl.toString(), "version"));
        assertThat(again.out()).contains("fluxctl " + Packages.version())
                .as("the launcher names itself to fluxctl")
                .contains("fluxctl.launcher = " + fluxctl.toRealPath());
        String classes = read(classLog);
        assertThat(classes).as("fluxctl's classes come from the application archive")
                .containsPattern("dev\\.flux\\.cli\\.FluxCtl source: shared objects file \\(top\\)");
        assertThat(classes).as("the JDK's from the runtime's own archive")
                .containsPattern("java\\.lang\\.Object source: shared objects file\\R");

        Path good = write("flux.toml", """
                serverAddr = "127.0.0.1"
                serverPort = 7000
                token = "flx_smoke-test-token-0123456789"

                [tls]
                fingerprint = "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"

                [[tunnels]]
                name = "web"
                type = "tcp"
                localPort = 8080
                """);
        Proc.Result verified = Proc.run(Proc.SHORT, env, temp,
                List.of(fluxctl.toString(), "config", "verify", "-c", good.toString()));
        assertThat(verified.exit()).as(verified.out()).isZero();

        Path bad = write("bad.toml", read(good).replace("localPort = 8080", "lcoalPort = 8080"));
        Proc.Result refused = Proc.run(Proc.SHORT, env, temp,
                List.of(fluxctl.toString(), "config", "verify", "-c", bad.toString()));
        assertThat(refused.exit()).isNotZero();
        assertThat(refused.out()).contains("lcoalPort").doesNotContain("at dev.flux");
    }

    /** The completion script completes {@code fluxctl ver} to {@code version} in a real bash. */
    private void bashCompletionCompletesSubcommands(Path script) {
        Proc.Result completed = Proc.run(Proc.SHORT, "bash", "-c",
                "source \"$0\"; COMP_WORDS=(fluxctl ver); COMP_CWORD=1; COMP_LINE='fluxctl ver'; COMP_POINT=11;"
                        + " _complete_fluxctl; printf '%s\\n' \"${COMPREPLY[@]}\"", script.toString());
        assertThat(completed.exit()).as(completed.out()).isZero();
        assertThat(completed.out().lines()).contains("version");
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(temp.resolve(name), text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
