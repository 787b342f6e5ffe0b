package dev.flux.cli;

import dev.flux.client.Agent;
import dev.flux.client.ControlPlaneAgent;
import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.client.inspect.InspectSettings;
import dev.flux.client.inspect.InspectionConfig;
import dev.flux.client.inspect.InspectionConfigReader;
import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.SecretStore;
import dev.flux.client.controlplane.RemoteTunnel;
import java.net.URI;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl up}: runs the agent in the foreground until {@link #stop()} (Ctrl-C and SIGTERM call it through a
 * shutdown hook) or until the agent fails for good, which ends the command with that failure's exit code.
 *
 * <p>Two modes. <b>File mode</b>, when {@code -c}/{@code $FLUX_CONFIG} is given or {@code flux.toml} exists in the
 * current directory: the tunnels and the node come from that file. <b>Control-plane mode</b> otherwise, with the
 * login {@code fluxctl login} saved: the tunnels and the node come from the control plane, and changes made there
 * ({@code fluxctl tunnel add}, the web UI) apply to the running agent within a second.
 */
@Command(name = "up", description = {
    "Open your tunnels and keep them open until Ctrl-C.",
    "From flux.toml when -c or $FLUX_CONFIG is given or ./flux.toml exists; otherwise from the control plane you",
    "logged in to with `fluxctl login`, following the changes made there.",
    "Reconnects by itself when the connection to the node drops. On stdout, one line per event:",
    "  connected to node HOST:PORT",
    "  disconnected: DETAIL",
    "  [NAME] tunnel ready URL...",
    "  [NAME] tunnel rejected: REASON",
    "On a terminal, a live status of every tunnel stays below them."})
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Mixin
    ConfigDirOption configDir;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
            description = "Port of the local admin API on 127.0.0.1 (default: ${DEFAULT-VALUE}); 0 turns it off.")
    int adminPort;

    @Option(names = "--inspect-max-requests", paramLabel = "N",
            description = "HTTP requests the inspector keeps per tunnel (default: the file's inspect.maxExchanges, "
                    + "else 100); 0 turns the inspector off.")
    Integer inspectMaxRequests;

    @Option(names = "--inspect-max-body", paramLabel = "BYTES",
            description = "Bytes of each request and response body the inspector keeps (default: the file's "
                    + "inspect.maxBodyBytes, else 65536).")
    Integer inspectMaxBody;

    @Option(names = {"-v", "--verbose"},
            description = "Log what the agent does (INFO) on stderr, with the stack traces of unexpected errors.")
    boolean verbose;

    private final ForegroundRun run = new ForegroundRun();

    /** See {@link ForegroundRun#stop()}. */
    void stop() {
        run.stop();
    }

    @Override
    public Integer call() throws InterruptedException {
        checkAdminPort(spec, adminPort);
        if (verbose) {
            LogLevels.verbose();
        }
        Optional<Credentials> login = fileModeChosen() ? Optional.empty() : configDir.store().load();
        if (login.isPresent()) {
            runFromControlPlane(login.get());
        } else {
            if (!fileModeChosen()) {
                throw new CliFailure(ExitCodes.USAGE, "no " + config.file + " here and not logged in: run `fluxctl "
                        + "login --server URL` to serve your tunnels from a control plane, or write a flux.toml and "
                        + "run `fluxctl up -c flux.toml`");
            }
            AgentConfig agentConfig = AgentConfigLoader.load(config.file);
            run.inspect(inspection(spec, InspectionConfigReader.load(config.file), inspectMaxRequests,
                    inspectMaxBody));
            String node = agentConfig.serverAddr() + ":" + agentConfig.serverPort();
            run.run(spec, node, adminPort, console -> ForegroundRun.Target.of(new Agent(agentConfig, console)));
        }
        return ExitCodes.OK;
    }

    private void runFromControlPlane(Credentials login) throws InterruptedException {
        run.inspect(inspection(spec, InspectionConfig.DEFAULT, inspectMaxRequests, inspectMaxBody));
        spec.commandLine().getOut().println("serving the tunnels of " + (login.username() == null ? "this login"
                : login.username()) + " from the control plane at " + login.server());
        serveFromControlPlane(run, spec, login, configDir.secrets(), adminPort, t -> true, (agent, console) -> { });
    }

    /**
     * Runs the agent in control-plane mode in the foreground until stopped.
     *
     * @param secrets where the secrets of the login's secret tunnels are saved
     * @param selection which of the login's enabled tunnels to serve
     * @param configure called with the agent and its console before it starts
     */
    static void serveFromControlPlane(ForegroundRun run, CommandSpec spec, Credentials login, SecretStore secrets,
                                      int adminPort,
                                      Predicate<RemoteTunnel> selection,
                                      BiConsumer<ControlPlaneAgent, AgentConsole> configure)
            throws InterruptedException {
        ControlPlaneClient client = new ControlPlaneClient(URI.create(login.server()), login.token());
        run.run(spec, null, adminPort, console -> {
            ControlPlaneAgent agent = new ControlPlaneAgent(client, login.token(), console, selection, secrets);
            configure.accept(agent, console);
            return ForegroundRun.Target.of(agent);
        });
    }

    /** A configuration file was named, or there is one in the current directory. */
    private boolean fileModeChosen() {
        boolean named = spec.commandLine().getParseResult().hasMatchedOption("--config")
                || System.getenv("FLUX_CONFIG") != null;
        return named || Files.exists(config.file);
    }

    /** The inspector's settings: the file's (or the defaults), with the command line's options over them. */
    static InspectionConfig inspection(CommandSpec spec, InspectionConfig base, Integer maxRequests,
                                       Integer maxBody) {
        try {
            InspectSettings s = base.settings();
            return new InspectionConfig(new InspectSettings(maxRequests != null ? maxRequests : s.maxExchanges(),
                    maxBody != null ? maxBody : s.maxBodyBytes()), base.wechat());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage().replace("inspect.maxExchanges",
                    "--inspect-max-requests").replace("inspect.maxBodyBytes", "--inspect-max-body"));
        }
    }

    static void checkAdminPort(CommandSpec spec, int port) {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--admin-port: " + port
                    + " is not a port (expected: 1-65535, or 0 to turn the local admin API off)");
        }
    }
}
