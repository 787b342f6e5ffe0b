package dev.flux.cli;

import static dev.flux.client.service.AgentService.LAUNCHD_LABEL;

import dev.flux.client.service.AgentService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The agent as a launchd agent on macOS: {@code ~/Library/LaunchAgents/dev.flux.agent.plist}, loaded with
 * {@code launchctl bootstrap gui/UID}, its output in {@code ~/Library/Logs/flux-agent.log}.
 */
final class LaunchdAgent implements ServiceHost {

    private static final String NO_LAUNCHCTL = "launchctl comes with macOS; is this a Mac?";

    private final Path plist;
    private final Path logFile;

    LaunchdAgent(Path home) {
        this.plist = home.resolve("Library").resolve("LaunchAgents").resolve(LAUNCHD_LABEL + ".plist");
        this.logFile = home.resolve("Library").resolve("Logs").resolve("flux-agent.log");
    }

    @Override
    public Path file() {
        return plist;
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    @Override
    public String render(AgentService service) {
        return service.launchdPlist();
    }

    @Override
    public void activate(PrintWriter out, boolean linger) throws InterruptedException {
        String domain = "gui/" + uid();
        // A reinstall replaces the loaded agent; when none is loaded, bootout fails and that is fine.
        SystemCommand.run(List.of("launchctl", "bootout", domain + "/" + LAUNCHD_LABEL), NO_LAUNCHCTL);
        SystemCommand.Result result = SystemCommand.run(List.of("launchctl", "bootstrap", domain,
                plist.toString()), NO_LAUNCHCTL);
        if (!result.ok()) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "launchctl bootstrap " + domain + " " + plist
                    + " failed: " + result.output() + "; the plist is written, load it yourself after fixing that");
        }
        out.println("loaded " + LAUNCHD_LABEL + ": it runs now and at every login; output goes to " + logFile);
        if (linger) {
            out.println("--linger is for systemd: on macOS a launch agent runs while you are logged in; for a "
                    + "machine nobody logs in to, run the agent as a LaunchDaemon (see docs/fluxctl.md)");
        }
        out.println("Check it with `fluxctl service status`");
    }

    @Override
    public void uninstall(PrintWriter out) throws InterruptedException {
        if (!Files.exists(plist)) {
            out.println("the agent service is not installed (no " + plist + "); nothing to do");
            return;
        }
        SystemCommand.Result result = SystemCommand.run(List.of("launchctl", "bootout", "gui/" + uid() + "/"
                + LAUNCHD_LABEL), NO_LAUNCHCTL);
        out.println(result.ok() ? "stopped " + LAUNCHD_LABEL
                : "warning: launchctl bootout failed (" + result.output() + "); removing the plist anyway");
        try {
            Files.deleteIfExists(plist);
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "cannot remove " + plist + ": " + e.getMessage());
        }
        out.println("removed " + plist);
    }

    @Override
    public void status(PrintWriter out, int lines) throws InterruptedException {
        if (!Files.exists(plist)) {
            throw ServiceHost.notInstalled(plist);
        }
        SystemCommand.Result result = SystemCommand.run(List.of("launchctl", "print", "gui/" + uid() + "/"
                + LAUNCHD_LABEL), NO_LAUNCHCTL);
        String state = !result.ok() ? "not loaded" : result.output().lines().map(String::strip)
                .filter(l -> l.startsWith("state = ")).findFirst().map(l -> l.substring(8)).orElse("loaded");
        out.println(LAUNCHD_LABEL + ": " + state);
        out.println("plist: " + plist);
        out.println("last " + lines + " log lines (" + logFile + "):");
        out.println(tail(lines));
    }

    private String tail(int lines) {
        if (!Files.exists(logFile)) {
            return "(none)";
        }
        try {
            List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e.getMessage() + ")";
        }
    }

    private static String uid() throws InterruptedException {
        SystemCommand.Result id = SystemCommand.run(List.of("id", "-u"), "id is part of every Unix");
        if (!id.ok() || !id.output().matches("[0-9]+")) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "cannot find your user id: `id -u` said " + id.output());
        }
        return id.output();
    }
}
