package dev.flux.cli;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.service.AgentService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl service install|uninstall|status}: the agent ({@code fluxctl up}) as a service of the current user,
 * so that tunnels come back after a logout or a reboot: a systemd user unit on Linux, a launchd agent on macOS, and
 * on Windows the steps to do by hand.
 */
@Command(name = "service", description = {
    "Run `fluxctl up` as a service of your user: a systemd user unit on Linux, a launchd agent on macOS.",
    "On Windows it prints the scheduled-task commands to run."},
        subcommands = {ServiceCommand.Install.class, ServiceCommand.Uninstall.class, ServiceCommand.Status.class,
            HelpCommand.class})
final class ServiceCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (install, uninstall, status)");
    }

    /** The service manager of this OS; null on Windows, where fluxctl only prints the steps. */
    static ServiceHost host() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (os.startsWith("windows")) {
            return null;
        }
        if (os.startsWith("mac")) {
            return new LaunchdAgent(Path.of(System.getProperty("user.home")));
        }
        return SystemdUserService.forCurrentUser();
    }

    @Command(name = "install", description = {
        "Write the service that runs `fluxctl up` and start it now and at every login.",
        "With -c FILE it serves that flux.toml; without, the tunnels of your saved login (`fluxctl login`).",
        "Linux: ~/.config/systemd/user/flux-agent.service, then systemctl --user daemon-reload, enable, restart.",
        "macOS: ~/Library/LaunchAgents/dev.flux.agent.plist, then launchctl bootstrap gui/UID.",
        "Installing again replaces the service and restarts it."})
    static final class Install implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        ConfigDirOption configDir;

        @Option(names = {"-c", "--config"}, paramLabel = "FILE",
                description = "Serve this agent configuration file (made absolute). Default: follow the control "
                        + "plane with the saved login.")
        Path configFile;

        @Option(names = "--linger", description = "Linux: also run `loginctl enable-linger USER`, so the agent "
                + "starts at boot and keeps running after you log out.")
        boolean linger;

        @Option(names = "--dry-run", description = "Print the file and where it would go; change nothing.")
        boolean dryRun;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            ServiceHost host = host();
            AgentService service = service(host == null ? Path.of(System.getProperty("user.home"), "flux-agent.log")
                    : host.logFile());
            if (host == null) {
                out.println("fluxctl does not install Windows services itself. To run the agent at every logon, run "
                        + "in a Command Prompt:");
                out.println("  " + service.windowsTaskCommand());
                out.println("  schtasks /Run /TN \"" + AgentService.WINDOWS_TASK + "\"");
                out.println("See docs/fluxctl.md (Running as a service) for a service that runs without a logon.");
                out.flush();
                return ExitCodes.OK;
            }
            String text = host.render(service);
            if (dryRun) {
                out.println("# " + host.file() + " (not written: --dry-run)");
                out.print(text);
                out.flush();
                return ExitCodes.OK;
            }
            write(host.file(), text);
            out.println("wrote " + host.file());
            out.flush();
            host.activate(out, linger);
            out.flush();
            return ExitCodes.OK;
        }

        private AgentService service(Path logFile) {
            List<String> command = new ArrayList<>(FluxctlLauncher.command());
            command.add("up");
            Path workDir;
            if (configFile != null) {
                Path file = configFile.toAbsolutePath().normalize();
                if (!Files.isRegularFile(file)) {
                    throw new CliFailure(ExitCodes.USAGE, "--config: " + file + " is not a file (expected: your "
                            + "flux.toml; check it with `fluxctl config verify -c FILE`)");
                }
                command.addAll(List.of("-c", file.toString()));
                workDir = file.getParent();
            } else {
                // The service must follow the same login as this shell, and must not pick up a flux.toml lying in
                // its working directory, so it runs in the configuration directory and names it.
                CredentialStore store = configDir.store();
                configDir.require();
                workDir = store.file().toAbsolutePath().getParent();
                command.addAll(List.of("--config-dir", workDir.toString()));
            }
            return new AgentService(command, workDir, logFile);
        }

        private static void write(Path file, String text) {
            try {
                Files.createDirectories(file.getParent());
                Files.writeString(file, text);
            } catch (IOException e) {
                throw new CliFailure(ExitCodes.RUNTIME_ERROR, "cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "uninstall", description = "Stop the agent service, disable it and remove its file.")
    static final class Uninstall implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            ServiceHost host = host();
            if (host == null) {
                out.println("On Windows, remove the scheduled task: schtasks /Delete /TN \""
                        + AgentService.WINDOWS_TASK + "\" /F");
            } else {
                host.uninstall(out);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }

    @Command(name = "status", description = "Show whether the agent service runs, and its last log lines.")
    static final class Status implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = {"-n", "--lines"}, paramLabel = "N", defaultValue = "20",
                description = "Log lines to show (default: ${DEFAULT-VALUE}).")
        int lines;

        @Override
        public Integer call() throws InterruptedException {
            if (lines < 0) {
                throw new ParameterException(spec.commandLine(), "--lines: " + lines + " (expected: 0 or more)");
            }
            PrintWriter out = spec.commandLine().getOut();
            ServiceHost host = host();
            if (host == null) {
                out.println("On Windows: schtasks /Query /TN \"" + AgentService.WINDOWS_TASK + "\" /V /FO LIST");
            } else {
                host.status(out, lines);
            }
            out.flush();
            return ExitCodes.OK;
        }
    }
}
