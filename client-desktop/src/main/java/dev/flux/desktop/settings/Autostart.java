package dev.flux.desktop.settings;

import dev.flux.client.service.AgentService;
import dev.flux.client.service.LaunchdPlist;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * "Start at sign-in", the way each desktop does it:
 * <ul>
 *   <li>Linux: an XDG autostart entry, {@code $XDG_CONFIG_HOME/autostart/flux-desktop.desktop} (else
 *       {@code ~/.config/autostart}), which GNOME, KDE, Xfce and the others run when the user signs in;</li>
 *   <li>macOS: a launch agent, {@code ~/Library/LaunchAgents/dev.flux.desktop.plist} with {@code RunAtLoad};</li>
 *   <li>Windows: the value {@code FLUX Gateway} under {@code HKCU\Software\Microsoft\Windows\CurrentVersion\Run},
 *       set and removed with {@code reg.exe}.</li>
 * </ul>
 */
public final class Autostart {

    public static final String FILE_NAME = "flux-desktop.desktop";
    public static final String PLIST_NAME = "dev.flux.desktop.plist";
    static final String RUN_KEY = "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run";
    static final String RUN_VALUE = "FLUX Gateway";

    /** Runs a command, returning its exit code; how the Windows registry is changed (with {@code reg.exe}). */
    @FunctionalInterface
    public interface Commands {
        int run(List<String> command) throws IOException;
    }

    private enum Kind { XDG, LAUNCH_AGENT, WINDOWS_RUN_KEY }

    private final Kind kind;
    private final Path file;
    private final List<String> command;
    private final Commands commands;

    private Autostart(Kind kind, Path file, List<String> command, Commands commands) {
        this.kind = kind;
        this.file = file;
        this.command = List.copyOf(command);
        this.commands = commands;
    }

    /** The XDG autostart entry in {@code autostartDir} (Linux and other freedesktop systems). */
    public static Autostart xdg(Path autostartDir, List<String> command) {
        return new Autostart(Kind.XDG, autostartDir.resolve(FILE_NAME), command, null);
    }

    /** The launch agent in {@code launchAgentsDir} (macOS: {@code ~/Library/LaunchAgents}). */
    public static Autostart launchAgent(Path launchAgentsDir, List<String> command) {
        return new Autostart(Kind.LAUNCH_AGENT, launchAgentsDir.resolve(PLIST_NAME), command, null);
    }

    /** The current user's Run key (Windows), changed through {@code commands}. */
    public static Autostart windowsRunKey(List<String> command, Commands commands) {
        return new Autostart(Kind.WINDOWS_RUN_KEY, null, command, commands);
    }

    /** The way of this system ({@code os.name}). */
    public static Autostart forSystem(String osName, Map<String, String> env, Path home, List<String> command) {
        String os = osName == null ? "" : osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return windowsRunKey(command, Autostart::runQuietly);
        }
        if (os.startsWith("mac")) {
            return launchAgent(home.resolve("Library").resolve("LaunchAgents"), command);
        }
        return xdg(directory(env, home), command);
    }

    /** The autostart directory of the XDG base directory specification. */
    public static Path directory(Map<String, String> env, Path home) {
        String xdg = env.get("XDG_CONFIG_HOME");
        return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".config")).resolve("autostart");
    }

    /** The entry's file; null on Windows, where it is a registry value. */
    public Path file() {
        return file;
    }

    /** Where the entry is, as a user would look for it. */
    public String location() {
        return file != null ? file.toString() : RUN_KEY + "\\" + RUN_VALUE;
    }

    public boolean isEnabled() {
        if (kind != Kind.WINDOWS_RUN_KEY) {
            return Files.isRegularFile(file);
        }
        return reg(List.of("reg", "query", RUN_KEY, "/v", RUN_VALUE)) == 0;
    }

    /** Writes or deletes the entry. */
    public void set(boolean enabled) {
        if (kind == Kind.WINDOWS_RUN_KEY) {
            List<String> reg = enabled
                    ? List.of("reg", "add", RUN_KEY, "/v", RUN_VALUE, "/t", "REG_SZ", "/d", windowsCommandLine(), "/f")
                    : List.of("reg", "delete", RUN_KEY, "/v", RUN_VALUE, "/f");
            int exit = reg(reg);
            if (exit != 0 && (enabled || isEnabled())) {
                throw new UncheckedIOException(new IOException("reg.exe exited with " + exit + " when "
                        + (enabled ? "adding" : "removing") + " " + location()));
            }
            return;
        }
        try {
            if (!enabled) {
                Files.deleteIfExists(file);
                return;
            }
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot " + (enabled ? "write" : "delete")
                    + " the autostart entry: " + e.getMessage(), e);
        }
    }

    /** What is written: the desktop entry, the plist, or the Run value's command line. */
    String entry() {
        return switch (kind) {
            case XDG -> """
                    [Desktop Entry]
                    Type=Application
                    Name=FLUX Gateway
                    Comment=Keeps your FLUX tunnels open
                    Exec=%s
                    Terminal=false
                    X-GNOME-Autostart-enabled=true
                    """.formatted(command.stream().map(Autostart::xdgQuote).collect(Collectors.joining(" ")));
            case LAUNCH_AGENT -> LaunchdPlist.launchAgent("dev.flux.desktop", command,
                    "  <key>ProcessType</key>\n  <string>Interactive</string>\n");
            case WINDOWS_RUN_KEY -> windowsCommandLine();
        };
    }

    private String windowsCommandLine() {
        return AgentService.windowsCommandLine(command);
    }

    /** Quoting of the Desktop Entry specification's Exec key. */
    static String xdgQuote(String arg) {
        arg = arg.replace("%", "%%"); // % starts a field code
        if (!arg.isEmpty() && arg.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return arg;
        }
        StringBuilder q = new StringBuilder("\"");
        for (char c : arg.toCharArray()) {
            if (c == '"' || c == '`' || c == '$' || c == '\\') {
                q.append('\\');
            }
            q.append(c);
        }
        return q.append('"').toString();
    }

    private int reg(List<String> args) {
        try {
            return commands.run(args);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run reg.exe to change " + location() + ": " + e.getMessage(), e);
        }
    }

    private static int runQuietly(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            throw new InterruptedIOException("stopped waiting for " + command.get(0));
        }
    }
}
