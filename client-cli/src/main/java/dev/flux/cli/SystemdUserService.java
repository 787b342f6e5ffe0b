package dev.flux.cli;

import static dev.flux.client.service.AgentService.SYSTEMD_UNIT;

import dev.flux.client.service.AgentService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent as a systemd user service: {@code ~/.config/systemd/user/flux-agent.service} (or under
 * {@code $XDG_CONFIG_HOME}), driven with {@code systemctl --user}, its output in the journal.
 */
final class SystemdUserService implements ServiceHost {

    private static final String NO_SYSTEMD = "this system does not seem to run systemd; run `fluxctl up` from your "
            + "init system instead (`fluxctl service install --dry-run` shows the command)";

    private final Path unitFile;
    private final String user;

    SystemdUserService(Path configHome, String user) {
        this.unitFile = configHome.resolve("systemd").resolve("user").resolve(SYSTEMD_UNIT);
        this.user = user;
    }

    static SystemdUserService forCurrentUser() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path configHome = xdg != null && !xdg.isBlank() ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return new SystemdUserService(configHome, System.getProperty("user.name"));
    }

    @Override
    public Path file() {
        return unitFile;
    }

    @Override
    public Path logFile() {
        // Unused: the journal keeps the output; a path is still needed to describe the service.
        return unitFile.resolveSibling("flux-agent.log");
    }

    @Override
    public String render(AgentService service) {
        return service.systemdUnit();
    }

    @Override
    public void activate(PrintWriter out, boolean linger) throws InterruptedException {
        SystemCommand.Result reload = systemctl("daemon-reload");
        if (!reload.ok()) {
            throw noSession(reload, "the unit is written to " + unitFile + " but not running",
                    ", then run `systemctl --user daemon-reload && systemctl --user enable --now " + SYSTEMD_UNIT
                    + "`");
        }
        require(systemctl("enable", SYSTEMD_UNIT), "enable");
        // restart, not start: a reinstall must replace an agent that runs with the old command line.
        require(systemctl("restart", SYSTEMD_UNIT), "restart");
        out.println("started " + SYSTEMD_UNIT + " and enabled it: it starts whenever your user session does");
        if (linger) {
            SystemCommand.Result result = SystemCommand.run(List.of("loginctl", "enable-linger", user), NO_SYSTEMD);
            if (!result.ok()) {
                throw new CliFailure(ExitCodes.RUNTIME_ERROR, "loginctl enable-linger " + user + " failed ("
                        + result.output() + "); the service is installed and running. Ask an administrator to run "
                        + "`sudo loginctl enable-linger " + user + "`");
            }
            out.println("lingering is on for " + user + ": the agent starts at boot and keeps running after you log "
                    + "out");
        } else {
            out.println("To keep your tunnels up after you log out and across reboots, turn on lingering: "
                    + "`loginctl enable-linger " + user + "` (or install with --linger)");
        }
        out.println("Check it with `fluxctl service status`; logs: `journalctl --user -u " + SYSTEMD_UNIT + "`");
    }

    @Override
    public void uninstall(PrintWriter out) throws InterruptedException {
        if (!Files.exists(unitFile)) {
            out.println("the agent service is not installed (no " + unitFile + "); nothing to do");
            return;
        }
        SystemCommand.Result disable = systemctl("disable", "--now", SYSTEMD_UNIT);
        if (!disable.ok()) {
            out.println("warning: systemctl --user disable --now " + SYSTEMD_UNIT + " failed (" + disable.output()
                    + "); removing the unit anyway");
        } else {
            out.println("stopped and disabled " + SYSTEMD_UNIT);
        }
        delete();
        out.println("removed " + unitFile);
        SystemCommand.Result reload = systemctl("daemon-reload");
        if (!reload.ok()) {
            out.println("warning: systemctl --user daemon-reload failed (" + reload.output() + ")");
        }
    }

    @Override
    public void status(PrintWriter out, int lines) throws InterruptedException {
        if (!Files.exists(unitFile)) {
            throw ServiceHost.notInstalled(unitFile);
        }
        SystemCommand.Result active = systemctl("is-active", SYSTEMD_UNIT);
        if (!active.ok() && !active.output().matches("[a-z-]+")) {
            throw noSession(active, "the unit is installed at " + unitFile, "");
        }
        SystemCommand.Result enabled = systemctl("is-enabled", SYSTEMD_UNIT);
        out.println(SYSTEMD_UNIT + ": " + active.output() + " (" + enabled.output() + ")");
        out.println("unit file: " + unitFile);
        List<String> journal = new ArrayList<>(List.of("journalctl", "--user", "-u", SYSTEMD_UNIT, "-n",
                Integer.toString(lines), "--no-pager", "-o", "short-iso"));
        SystemCommand.Result log = SystemCommand.run(journal, "journalctl is part of systemd; " + NO_SYSTEMD);
        out.println("last " + lines + " log lines (" + String.join(" ", journal) + "):");
        out.println(log.output().isEmpty() ? "(none)" : log.output());
    }

    private SystemCommand.Result systemctl(String... args) throws InterruptedException {
        List<String> command = new ArrayList<>(List.of("systemctl", "--user"));
        command.addAll(List.of(args));
        return SystemCommand.run(command, NO_SYSTEMD);
    }

    private static void require(SystemCommand.Result result, String action) {
        if (!result.ok()) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "systemctl --user " + action + " " + SYSTEMD_UNIT
                    + " failed: " + result.output() + "; see `fluxctl service status`");
        }
    }

    private CliFailure noSession(SystemCommand.Result result, String state, String then) {
        return new CliFailure(ExitCodes.RUNTIME_ERROR, "systemctl --user cannot reach your systemd user session ("
                + result.output() + "); " + state + ". Log in with a session that starts one (a desktop or ssh "
                + "login, not su or sudo -u), or have an administrator run `sudo loginctl enable-linger " + user
                + "` so that your user manager runs without a login" + then);
    }

    private void delete() {
        try {
            Files.deleteIfExists(unitFile);
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "cannot remove " + unitFile + ": " + e.getMessage());
        }
    }
}
