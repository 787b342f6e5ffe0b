package dev.flux.cli;

import dev.flux.client.Agent;
import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.client.config.TunnelConfig;
import dev.flux.client.config.TlsConfig;
import dev.flux.client.config.VisitorConfig;
import dev.flux.client.controlplane.AgentConfiguration;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.RemoteVisit;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
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
 * {@code fluxctl visit [OWNER/]NAME --secret S}: opens a local port that reaches the secret (stcp or sudp) tunnel
 * NAME through the node, end-to-end encrypted, until Ctrl-C. Like {@code fluxctl up}, two modes: with a flux.toml
 * (named, or in the current directory) the node and the token come from it, and its tunnels are not opened; else
 * the saved login is used and the control plane says which node serves the tunnel (and refuses a user its owner
 * does not allow).
 */
@Command(name = "visit", description = {
    "Open a local port that reaches a secret tunnel (stcp, sudp) through the node, until Ctrl-C.",
    "Each local connection (stcp) or datagram peer (sudp) becomes an end-to-end encrypted stream to the",
    "tunnel's local service; only holders of the tunnel's secret get through. Prints:",
    "  [NAME] visitor listening on 127.0.0.1:PORT for stcp tunnel NAME",
    "With a flux.toml (-c, or ./flux.toml) the node and token come from it; its [[tunnels]] are not opened.",
    "Otherwise the saved login (fluxctl login) is used: OWNER/NAME is another user's tunnel, NAME your own",
    "(whose secret this machine may already hold); the control plane says where it is served."})
final class VisitCommand implements Callable<Integer> {

    private static final Pattern NAME = Pattern.compile("([a-z0-9][a-z0-9._-]{0,63}/)?[A-Za-z0-9_.-]{1,64}");

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigFileOption config;

    @Mixin
    ConfigDirOption configDir;

    @Parameters(paramLabel = "[OWNER/]NAME", description = "The secret tunnel's name (its owner's `name` in "
            + "[[tunnels]]); with a control plane OWNER/NAME, or NAME for your own.")
    String name;

    @Option(names = "--secret", paramLabel = "SECRET", description = "The tunnel's secret. Default: $FLUX_SECRET; "
            + "for your own tunnel with a control plane, the one saved on this machine.",
            defaultValue = "${env:FLUX_SECRET}")
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
        if (secret != null && secret.isEmpty()) {
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
        boolean fileMode = spec.commandLine().getParseResult().hasMatchedOption("--config")
                || System.getenv("FLUX_CONFIG") != null || Files.exists(config.file);
        Optional<Credentials> login = fileMode ? Optional.empty() : configDir.store().load();
        if (login.isPresent()) {
            visitThroughControlPlane(login.get());
            return ExitCodes.OK;
        }
        if (!Files.exists(config.file)) {
            throw new CliFailure(ExitCodes.USAGE, "no " + config.file + " here and not logged in: `fluxctl visit` "
                    + "reads the node and the token from a flux.toml (serverAddr, token, [tls]; pass it with -c FILE), "
                    + "or from the control plane after `fluxctl login --server URL`");
        }
        if (name.contains("/")) {
            throw new ParameterException(spec.commandLine(), "NAME: '" + name + "': OWNER/NAME is for visits through "
                    + "a control plane; with a flux.toml give NAME and --owner OWNER");
        }
        if (secret == null) {
            throw new ParameterException(spec.commandLine(), "--secret: missing (expected: the tunnel's secretKey, "
                    + "or $FLUX_SECRET)");
        }
        AgentConfig file = AgentConfigLoader.load(config.file);
        VisitorConfig visitor = new VisitorConfig(name, type, name, owner, secret, bindAddr, port);
        AgentConfig visiting = new AgentConfig(file.serverAddr(), file.serverPort(), file.token(), file.tls(),
                List.of(), List.of(visitor));
        String node = file.serverAddr() + ":" + file.serverPort();
        run.run(spec, node, adminPort, console -> ForegroundRun.Target.of(new Agent(visiting, console)));
        return ExitCodes.OK;
    }

    /**
     * Asks the control plane where the tunnel is served (it refuses a user the owner does not allow), then visits it
     * there with the login's token, pinning the node's certificate as the control plane reports it.
     */
    private void visitThroughControlPlane(Credentials login) throws InterruptedException {
        int slash = name.indexOf('/');
        String tunnel = slash < 0 ? name : name.substring(slash + 1);
        String tunnelOwner = slash < 0 ? (owner != null ? owner : login.username()) : name.substring(0, slash);
        if (slash >= 0 && owner != null && !owner.equals(tunnelOwner)) {
            throw new ParameterException(spec.commandLine(), "--owner " + owner + " and " + name + " name different "
                    + "owners; give one");
        }
        if (tunnelOwner == null) {
            throw new ParameterException(spec.commandLine(), "NAME: whose tunnel '" + name + "' is cannot be told "
                    + "(the saved login has no user name); give OWNER/NAME");
        }
        String key = secret;
        if (key == null && tunnelOwner.equals(login.username())) {
            key = configDir.secrets().find(tunnel).orElse(null);
        }
        if (key == null) {
            throw new ParameterException(spec.commandLine(), "--secret: missing (expected: the secret of "
                    + tunnelOwner + "/" + tunnel + ", from its owner; or $FLUX_SECRET)");
        }
        RemoteVisit visit = TunnelCommand.client(login).visit(tunnelOwner, tunnel);
        if (!TunnelConfig.STCP.equals(visit.type()) && !TunnelConfig.SUDP.equals(visit.type())) {
            throw new CliFailure(ExitCodes.USAGE, tunnelOwner + "/" + tunnel + " is an " + visit.type() + " tunnel, "
                    + "which this fluxctl cannot visit (it visits stcp and sudp tunnels)");
        }
        boolean typeGiven = spec.commandLine().getParseResult().hasMatchedOption("--type");
        if (typeGiven && !type.equals(visit.type())) {
            throw new ParameterException(spec.commandLine(), "--type: " + tunnelOwner + "/" + tunnel + " is an "
                    + visit.type() + " tunnel, not " + type + "; omit --type");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (!"online".equals(visit.state())) {
            out.println(tunnelOwner + "/" + tunnel + " is offline now: visits fail until its owner's agent serves it "
                    + "(fluxctl up)");
        }
        AgentConfiguration.Node node = visit.node();
        VisitorConfig visitor = new VisitorConfig(tunnel, visit.type(), tunnel, tunnelOwner, key, bindAddr, port);
        AgentConfig visiting = new AgentConfig(node.tunnelHost(), node.tunnelPort(), login.token(),
                new TlsConfig(node.fingerprint(), null, null, false), List.of(), List.of(visitor));
        run.run(spec, node.tunnelHost() + ":" + node.tunnelPort(), adminPort,
                console -> ForegroundRun.Target.of(new Agent(visiting, console)));
    }
}
