package dev.flux.cli;

import dev.flux.client.Agent;
import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.client.config.TunnelConfig;
import dev.flux.client.config.VisitorConfig;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl visit NAME --secret S}: opens a local port that reaches the secret (stcp or sudp) tunnel NAME
 * through the node, end-to-end encrypted, until Ctrl-C. The node and the token come from flux.toml; its tunnels are
 * not opened by this command.
 */
@Command(name = "visit", description = {
    "Open a local port that reaches a secret tunnel (stcp, sudp) through the node, until Ctrl-C.",
    "Each local connection (stcp) or datagram peer (sudp) becomes an end-to-end encrypted stream to the",
    "tunnel's local service; only holders of the tunnel's secret get through. Prints:",
    "  [NAME] visitor listening on 127.0.0.1:PORT for stcp tunnel NAME",
    "The node and token come from flux.toml (-c); its [[tunnels]] are not opened by this command."})
final class VisitCommand implements Callable<Integer> {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Parameters(paramLabel = "NAME", description = "The secret tunnel's name (its owner's `name` in [[tunnels]]).")
    String name;

    @Option(names = "--secret", paramLabel = "SECRET", required = true,
            description = "The tunnel's secretKey. Default: $FLUX_SECRET.", defaultValue = "${env:FLUX_SECRET}")
    String secret;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "0",
            description = "Local port to listen on (default: a free one, printed).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "Local address to listen on (default: ${DEFAULT-VALUE}).")
    String bindAddr;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "stcp",
            description = "stcp (TCP, the default), sudp (UDP) or xtcp (TCP peer to peer, relayed when punching fails).")
    String type;

    @Option(names = "--p2p", description = "Short for --type xtcp: connect peer to peer to an xtcp tunnel.")
    boolean p2p;

    @Option(names = "--owner", paramLabel = "USER",
            description = "The tunnel's owner, when several users have a secret tunnel of that name.")
    String owner;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "0",
            description = "Port of the local admin API on 127.0.0.1 (default: off).")
    int adminPort;

    @Option(names = {"-v", "--verbose"}, description = "Log what the agent does (INFO) on stderr.")
    boolean verbose;

    private final ForegroundRun run = new ForegroundRun();

    /** See {@link ForegroundRun#stop()}. */
    void stop() {
        run.stop();
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!NAME.matcher(name).matches()) {
            throw new ParameterException(spec.commandLine(), "NAME: '" + name + "' is not a tunnel name (expected: "
                    + "1..64 of A-Z a-z 0-9 _ . -)");
        }
        if (secret == null || secret.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--secret: empty (expected: the tunnel's secretKey)");
        }
        if (p2p && !TunnelConfig.STCP.equals(type) && !TunnelConfig.XTCP.equals(type)) {
            throw new ParameterException(spec.commandLine(), "--p2p: peer to peer is for TCP (xtcp) tunnels; it "
                    + "cannot go with --type " + type);
        }
        if (p2p) {
            type = TunnelConfig.XTCP;
        }
        if (!TunnelConfig.STCP.equals(type) && !TunnelConfig.SUDP.equals(type) && !TunnelConfig.XTCP.equals(type)) {
            throw new ParameterException(spec.commandLine(), "--type: '" + type + "' is not a secret tunnel type "
                    + "(expected: stcp, sudp or xtcp)");
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port: " + port + " is not a port (expected: 1-65535, "
                    + "or 0 for a free one)");
        }
        UpCommand.checkAdminPort(spec, adminPort);
        if (verbose) {
            LogLevels.verbose();
        }
        if (!Files.exists(config.file)) {
            throw new CliFailure(ExitCodes.USAGE, "no " + config.file + " here: `fluxctl visit` reads the node and the "
                    + "token from a flux.toml (serverAddr, token, [tls]); pass it with -c FILE");
        }
        AgentConfig file = AgentConfigLoader.load(config.file);
        VisitorConfig visitor = new VisitorConfig(name, type, name, owner, secret, bindAddr, port);
        AgentConfig visiting = new AgentConfig(file.serverAddr(), file.serverPort(), file.token(), file.tls(),
                List.of(), List.of(visitor));
        String node = file.serverAddr() + ":" + file.serverPort();
        run.run(spec, node, adminPort, console -> ForegroundRun.Target.of(new Agent(visiting, console)));
        return ExitCodes.OK;
    }
}
