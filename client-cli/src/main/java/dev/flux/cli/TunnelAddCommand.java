package dev.flux.cli;

import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.NewTunnelRequest;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.client.controlplane.SecretStore;
import dev.flux.protocol.net.AddressRules;
import dev.flux.protocol.net.Bandwidth;
import dev.flux.protocol.net.ProxyProtocol;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fluxctl tunnel add TYPE TARGET}: creates a tunnel on the control plane and prints its public address. */
@Command(name = "add", description = {
    "Create a tunnel and print its public URL, e.g.",
    "  fluxctl tunnel add http 8080 --subdomain wx",
    "  fluxctl tunnel add tcp 192.168.1.10:22 --remote-port 26022",
    "  fluxctl tunnel add https 8443 --subdomain shop      (the local service speaks TLS)",
    "  fluxctl tunnel add https 8080 --subdomain shop --terminate      (the node speaks TLS)",
    "  fluxctl tunnel add stcp 22 --name ssh --allow-user bob      (secret: only visitors with the secret)",
    "The agent running on this machine (fluxctl up) serves it within a second; --run starts one instead."})
final class TunnelAddCommand implements Callable<Integer> {

    private static final List<String> TYPES = List.of("http", "https", "tcp", "udp", "stcp", "sudp", "xtcp");

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Parameters(index = "0", paramLabel = "TYPE", description = "http, https, tcp, udp, or a secret tunnel: stcp, "
            + "sudp or xtcp (no public address; visitors run `fluxctl visit` with its secret).")
    String type;

    @Parameters(index = "1", paramLabel = "TARGET",
            description = "The local service: a port (localhost:PORT) or host:port.")
    String target;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The tunnel's name (default: the subdomain, else TYPE-PORT, e.g. http-8080).")
    String name;

    @Option(names = "--subdomain", paramLabel = "LABEL", description = "http/https: the subdomain to ask for.")
    String subdomain;

    @Option(names = "--domain", paramLabel = "HOST", description = "http/https: a custom domain routed to it.")
    String domain;

    @Option(names = "--basic-auth", paramLabel = "USER:PASSWORD",
            description = "http/https: ask visitors for this user and password.")
    String basicAuth;

    @Option(names = "--remote-port", paramLabel = "PORT",
            description = "tcp/udp: the public port to ask for (default: a free one).")
    Integer remotePort;

    @Option(names = "--terminate", description = "https: the node terminates TLS with its certificate for the "
            + "host and forwards plain HTTP to TARGET (default: TLS passes through to TARGET, which must speak it).")
    boolean terminate;

    @Option(names = "--allow-ip", paramLabel = "CIDR",
            description = "Admit only visitors from this address or CIDR block (repeatable).")
    List<String> allowIps;

    @Option(names = "--deny-ip", paramLabel = "CIDR",
            description = "Refuse visitors from this address or CIDR block (repeatable).")
    List<String> denyIps;

    @Option(names = "--proxy-protocol", paramLabel = "VERSION",
            description = "tcp/http/https: send a PROXY protocol header (v1 or v2) to the local service; udp: v2, "
                    + "on every datagram.")
    String proxyProtocol;

    @Option(names = "--bandwidth", paramLabel = "RATE",
            description = "Limit each direction to RATE per second, e.g. 512KB or 2MB.")
    String bandwidth;

    @Option(names = "--max-connections", paramLabel = "N",
            description = "At most N open connections at once (default: only the token's limit).")
    Integer maxConnections;

    @Option(names = "--group", paramLabel = "NAME",
            description = "tcp/http: found or join this load-balancing group; its members share one address and the "
                    + "node spreads connections (tcp) and requests (http) over the healthy ones. Needs --group-key.")
    String group;

    @Option(names = "--group-key", paramLabel = "KEY",
            description = "The group's key: it founds the group, or must match the group's key to join (anyone "
                    + "holding it may, other users too). The control plane keeps only its hash.")
    String groupKey;

    @Option(names = "--secret", paramLabel = "SECRET", description = "stcp/sudp/xtcp: the secret visitors must hold "
            + "(default: a new random one, printed once). It is saved on this machine only (secrets.toml next to "
            + "the login), never sent to the control plane.")
    String secret;

    @Option(names = "--allow-user", paramLabel = "USER", description = "stcp/sudp/xtcp: a user who may visit "
            + "besides you (repeatable; default: anyone holding the secret).")
    List<String> allowUsers;

    @Option(names = "--health-check", paramLabel = "tcp|http[:PATH]", description = "Check the local service: "
            + "tcp (it accepts a connection) or http:/healthz (GET answers --health-status); while it fails the "
            + "tunnel is off the node (an http tunnel answers 503).")
    String healthCheck;

    @Option(names = "--health-interval", paramLabel = "SECONDS", description = "Seconds between checks (default 10).")
    Integer healthInterval;

    @Option(names = "--health-timeout", paramLabel = "SECONDS", description = "Seconds one check may take (default 3).")
    Integer healthTimeout;

    @Option(names = "--health-failures", paramLabel = "N",
            description = "Failed checks in a row that take the tunnel off (default 3).")
    Integer healthFailures;

    @Option(names = "--health-status", paramLabel = "CODE",
            description = "http checks: the status that counts as healthy (default 200).")
    Integer healthStatus;

    @Option(names = "--run", description = "Then serve it (and your other tunnels) in the foreground until Ctrl-C.")
    boolean run;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
            description = "Port of the local agent's admin API (default: ${DEFAULT-VALUE}); 0: do not notify it.")
    int adminPort;

    private final ForegroundRun foreground = new ForegroundRun();

    /** Stops a {@code --run}; see {@link ForegroundRun#stop()}. */
    void stop() {
        foreground.stop();
    }

    @Override
    public Integer call() throws InterruptedException {
        NewTunnelRequest request = request();
        UpCommand.checkAdminPort(spec, adminPort);
        Credentials login = configDir.require();
        RemoteTunnel created = TunnelCommand.client(login).createTunnel(request);
        PrintWriter out = spec.commandLine().getOut();
        if (SecretStore.TUNNEL_TYPES.contains(request.type())) {
            saveSecret(out, login, created);
        } else {
            out.println("tunnel " + created.name() + " created: " + (created.publicUrl() != null
                    ? created.publicUrl() : "(no node is online yet to give it a URL)")
                    + (created.group() == null ? "" : " (group " + created.group() + ")"));
        }
        out.flush();
        if (run) {
            UpCommand.serveFromControlPlane(foreground, spec, login, configDir.secrets(), adminPort, t -> true, (agent, console) -> { });
        } else {
            TunnelCommand.pokeAgent(out, adminPort, true);
        }
        return ExitCodes.OK;
    }

    /**
     * Saves a new secret tunnel's secret on this machine (only once the control plane created the tunnel: a refused
     * request must not replace the secret of an existing tunnel) and shows it, once, with the visit command.
     */
    private void saveSecret(PrintWriter out, Credentials login, RemoteTunnel created) {
        String value = secret != null ? secret : SecretStore.generate();
        SecretStore store = configDir.secrets();
        try {
            store.save(created.name(), value);
        } catch (UncheckedIOException e) {
            throw new CliFailure(ExitCodes.RUNTIME_ERROR, "tunnel " + created.name() + " was created, but its secret "
                    + "could not be saved: " + e.getMessage() + "; save it with `fluxctl tunnel secret "
                    + created.name() + " --secret " + value + "`");
        }
        String owner = login.username() != null ? login.username() + "/" : "";
        out.println("tunnel " + created.name() + " created: " + created.type() + ", reached only by visitors who hold "
                + "its secret (end-to-end encrypted through the node)");
        out.println("secret: " + value + "   (saved in " + store.file() + "; the control plane never sees it)");
        out.println("visit with: fluxctl visit " + owner + created.name() + " --secret " + value);
    }

    private NewTunnelRequest request() {
        String t = type.toLowerCase(Locale.ROOT);
        if (!TYPES.contains(t)) {
            throw new ParameterException(spec.commandLine(), "tunnel type '" + type + "' is not known (expected: "
                    + String.join(", ", TYPES) + ")");
        }
        boolean http = t.startsWith("http");
        String local = LocalTarget.parse(spec, target);
        checkSecretOptions(t);
        if (http && remotePort != null) {
            throw new ParameterException(spec.commandLine(), "--remote-port is for tcp and udp tunnels; an " + t
                    + " tunnel is reached by --subdomain or --domain");
        }
        if (!http && (subdomain != null || domain != null || basicAuth != null)) {
            throw new ParameterException(spec.commandLine(), (subdomain != null ? "--subdomain" : domain != null
                    ? "--domain" : "--basic-auth") + " is for http and https tunnels; a " + t + " tunnel is reached "
                    + "by its port (--remote-port)");
        }
        if (remotePort != null && (remotePort < 1 || remotePort > 65535)) {
            throw new ParameterException(spec.commandLine(), "--remote-port: " + remotePort
                    + " is not a port (expected: 1-65535)");
        }
        if (terminate && !"https".equals(t)) {
            throw new ParameterException(spec.commandLine(), "--terminate is for https tunnels; a " + t
                    + " tunnel has no TLS for the node to terminate");
        }
        if ("https".equals(t) && !terminate && basicAuth != null) {
            throw new ParameterException(spec.commandLine(), "--basic-auth on an https tunnel needs --terminate: "
                    + "with TLS passed through to the local service the node sees no request to check");
        }
        checkBasicAuth(spec, basicAuth);
        String tunnelName = name != null ? name : subdomain != null ? subdomain : t + "-" + LocalTarget.port(local);
        checkPolicies(t);
        return new NewTunnelRequest(tunnelName, t, local, subdomain, domain, remotePort, basicAuth,
                terminate ? "node" : null, allowIps, denyIps,
                proxyProtocol == null ? null : proxyProtocol.toLowerCase(Locale.ROOT), bandwidth, maxConnections,
                allowUsers == null || allowUsers.isEmpty() ? null : allowUsers, healthCheck(), group, groupKey);
    }

    /** The --health-* options as the control plane takes them; it checks the ranges and names the field. */
    private RemoteTunnel.HealthCheck healthCheck() {
        if (healthCheck == null) {
            if (healthInterval != null || healthTimeout != null || healthFailures != null || healthStatus != null) {
                throw new ParameterException(spec.commandLine(), "--health-interval/--health-timeout/"
                        + "--health-failures/--health-status need --health-check tcp or http[:PATH]");
            }
            return null;
        }
        int colon = healthCheck.indexOf(':');
        String kind = colon < 0 ? healthCheck : healthCheck.substring(0, colon);
        String path = colon < 0 ? null : healthCheck.substring(colon + 1);
        if (!kind.equals("tcp") && !kind.equals("http") || kind.equals("tcp") && path != null) {
            throw new ParameterException(spec.commandLine(), "--health-check: '" + healthCheck + "' (expected: tcp, "
                    + "http, or http:/PATH such as http:/healthz)");
        }
        if (kind.equals("tcp") && healthStatus != null) {
            throw new ParameterException(spec.commandLine(), "--health-status is for http checks");
        }
        return new RemoteTunnel.HealthCheck(kind, path, healthStatus, healthInterval, healthTimeout, healthFailures);
    }

    /** A secret tunnel has no public address (nor IP lists); --secret and --allow-user are for secret tunnels only. */
    private void checkSecretOptions(String t) {
        if (!SecretStore.TUNNEL_TYPES.contains(t)) {
            if (secret != null || allowUsers != null) {
                throw new ParameterException(spec.commandLine(), (secret != null ? "--secret" : "--allow-user")
                        + " is for secret tunnels (stcp, sudp, xtcp); a " + t + " tunnel is public");
            }
            return;
        }
        String publicOption = remotePort != null ? "--remote-port" : subdomain != null ? "--subdomain"
                : domain != null ? "--domain" : basicAuth != null ? "--basic-auth" : terminate ? "--terminate"
                : allowIps != null ? "--allow-ip" : denyIps != null ? "--deny-ip"
                : proxyProtocol != null ? "--proxy-protocol" : null;
        if (publicOption != null) {
            throw new ParameterException(spec.commandLine(), publicOption + " is not for " + t + " tunnels: they have "
                    + "no public address; visitors reach them with `fluxctl visit` and the secret (choose who with "
                    + "--allow-user)");
        }
        checkSecret(spec, secret, "the secret visitors will give; omit it for a new random one");
        for (String user : allowUsers == null ? List.<String>of() : allowUsers) {
            if (!user.matches("[a-z0-9][a-z0-9._-]{0,63}")) {
                throw new ParameterException(spec.commandLine(), "--allow-user: '" + user + "' is not a user name "
                        + "(expected: lower-case letters, digits, '.', '_' or '-', as the control plane's users)");
            }
        }
    }

    /** Checks the policy options here, so that a typo is named before anything is created. */
    private void checkPolicies(String t) {
        if (group != null && !"tcp".equals(t) && !"http".equals(t)) {
            throw new ParameterException(spec.commandLine(), "--group: load-balancing groups are for tcp and http "
                    + "tunnels; a " + t + " tunnel cannot join one");
        }
        if ((group == null) != (groupKey == null)) {
            throw new ParameterException(spec.commandLine(), group == null ? "--group-key needs --group (the group "
                    + "it opens)" : "--group " + group + " needs --group-key: the key that founds the group, or the "
                    + "one its founder shares to let you join");
        }
        if (groupKey != null && (groupKey.isBlank() || groupKey.chars().anyMatch(Character::isISOControl))) {
            throw new ParameterException(spec.commandLine(), "--group-key: empty or with control characters "
                    + "(expected: the group's key)");
        }
        for (String block : allowIps == null ? List.<String>of() : allowIps) {
            checkAddress("--allow-ip", block);
        }
        for (String block : denyIps == null ? List.<String>of() : denyIps) {
            checkAddress("--deny-ip", block);
        }
        if (proxyProtocol != null) {
            ProxyProtocol version;
            try {
                version = ProxyProtocol.parse(proxyProtocol);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--proxy-protocol: " + e.getMessage());
            }
            if ("udp".equals(t) && version != ProxyProtocol.V2) {
                throw new ParameterException(spec.commandLine(), "--proxy-protocol: v1 describes TCP connections "
                        + "only; udp tunnels send v2 (a header on every datagram)");
            }
        }
        if (bandwidth != null) {
            try {
                Bandwidth.parse(bandwidth);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--bandwidth: " + e.getMessage());
            }
        }
        if (maxConnections != null && maxConnections < 0) {
            throw new ParameterException(spec.commandLine(), "--max-connections: " + maxConnections
                    + " (expected: 0 for no limit, or more)");
        }
    }

    private void checkAddress(String option, String block) {
        try {
            AddressRules.of(List.of(block), List.of());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /** Refuses a {@code --secret} value that is blank or holds control characters, before anything is saved. */
    static void checkSecret(CommandSpec spec, String secret, String expected) {
        if (secret != null && (secret.isBlank() || secret.chars().anyMatch(Character::isISOControl))) {
            throw new ParameterException(spec.commandLine(), "--secret: empty or with control characters (expected: "
                    + expected + ")");
        }
    }

    /** Refuses a {@code --basic-auth} value that is not {@code USER:PASSWORD}, before anything is created. */
    static void checkBasicAuth(CommandSpec spec, String basicAuth) {
        if (basicAuth != null && basicAuth.indexOf(':') <= 0) {
            throw new ParameterException(spec.commandLine(), "--basic-auth: expected USER:PASSWORD, e.g. "
                    + "alice:s3cret");
        }
    }
}
