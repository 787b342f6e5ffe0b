package dev.flux.client.service;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What the operating system's service manager runs to keep an agent up: the {@code fluxctl up} command line and
 * its working directory, rendered as a systemd user unit, a launchd agent plist or a Windows scheduled task. Pure
 * text generation, the same on every OS; installing the result is the caller's business.
 *
 * @param command the full command line, launcher first, such as {@code [/opt/flux/bin/fluxctl, up]}
 * @param workingDirectory where the agent runs (absolute)
 * @param logFile where launchd writes the agent's output (absolute); systemd sends it to the journal instead
 */
public record AgentService(List<String> command, Path workingDirectory, Path logFile) {

    /** The systemd unit's file name, also its name for {@code systemctl --user} and {@code journalctl -u}. */
    public static final String SYSTEMD_UNIT = "flux-agent.service";
    /** The launchd label, also the plist's name without {@code .plist}. */
    public static final String LAUNCHD_LABEL = "dev.flux.agent";
    /** The Windows scheduled task's name. */
    public static final String WINDOWS_TASK = "FLUX Gateway agent";

    public AgentService {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command: [] (expected: the launcher and its arguments)");
        }
        requireNonNull(workingDirectory, "workingDirectory");
        requireNonNull(logFile, "logFile");
    }

    /**
     * The systemd user unit. Exit codes 2-4 of {@code fluxctl up} (a bad configuration, a rejected token, an
     * untrusted node) are not restarted: running the same command again would fail the same way.
     */
    public String systemdUnit() {
        return "[Unit]\n"
                + "Description=FLUX Gateway agent (fluxctl up)\n"
                + "Wants=network-online.target\n"
                + "After=network-online.target\n"
                + "\n"
                + "[Service]\n"
                + "Type=simple\n"
                + "WorkingDirectory=" + systemdWord(workingDirectory.toString()) + "\n"
                + "ExecStart=" + command.stream().map(AgentService::systemdWord).collect(Collectors.joining(" "))
                + "\n"
                + "Restart=on-failure\n"
                + "RestartSec=5\n"
                + "RestartPreventExitStatus=2 3 4\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=default.target\n";
    }

    /** The launchd agent plist: started at login, restarted when it fails, output appended to {@link #logFile}. */
    public String launchdPlist() {
        return LaunchdPlist.launchAgent(LAUNCHD_LABEL, command, ""
                + "  <key>WorkingDirectory</key>\n"
                + "  " + LaunchdPlist.string(workingDirectory.toString()) + "\n"
                + "  <key>KeepAlive</key>\n"
                + "  <dict>\n"
                + "    <key>SuccessfulExit</key>\n"
                + "    <false/>\n"
                + "  </dict>\n"
                + "  <key>ThrottleInterval</key>\n"
                + "  <integer>5</integer>\n"
                + "  <key>StandardOutPath</key>\n"
                + "  " + LaunchdPlist.string(logFile.toString()) + "\n"
                + "  <key>StandardErrorPath</key>\n"
                + "  " + LaunchdPlist.string(logFile.toString()) + "\n");
    }

    /**
     * The {@code schtasks} command that runs the agent at logon on Windows, for the user to run (fluxctl does not
     * install Windows services itself; see docs/fluxctl.md).
     */
    public String windowsTaskCommand() {
        String run = windowsCommandLine(command);
        return "schtasks /Create /SC ONLOGON /RL LIMITED /TN \"" + WINDOWS_TASK + "\" /TR \""
                + run.replace("\"", "\\\"") + "\"";
    }

    /**
     * One word of a unit's command line or setting: systemd expands {@code %} specifiers and {@code $} variables,
     * so both are doubled; a word with a space, a quote or a backslash is double-quoted with C escapes.
     */
    static String systemdWord(String word) {
        String escaped = word.replace("%", "%%").replace("$", "$$");
        if (!escaped.isEmpty() && escaped.chars().noneMatch(c -> c == ' ' || c == '\t' || c == '"' || c == '\''
                || c == '\\' || c == ';')) {
            return escaped;
        }
        return '"' + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** A Windows command line of {@code words}: a word with a space, tab or quote is double-quoted. */
    public static String windowsCommandLine(List<String> words) {
        return words.stream().map(w -> w.isEmpty() || w.matches(".*[\\s\"].*")
                ? "\"" + w.replace("\"", "\\\"") + "\"" : w).collect(Collectors.joining(" "));
    }
}
