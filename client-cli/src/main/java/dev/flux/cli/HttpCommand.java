package dev.flux.cli;

import dev.flux.client.HttpExchange;
import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.NewTunnelRequest;
import dev.flux.client.controlplane.RemoteTunnel;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl http 8080}: a throw-away http tunnel for as long as the command runs. Creates it with a generated
 * name, serves it in the foreground, prints one line per request, and removes it on exit (Ctrl-C, SIGTERM).
 */
@Command(name = "http", description = {
    "Put a local web server on a public URL until Ctrl-C, printing one line per request:",
    "  GET /index.html 200 12 ms",
    "The tunnel is created for this run (named http-PORT-xxxx) and removed when it ends.",
    "Serves only that tunnel: do not run it next to a `fluxctl up` of the same login."})
final class HttpCommand implements Callable<Integer> {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Parameters(paramLabel = "TARGET", description = "The local web server: a port (localhost:PORT) or host:port.")
    String target;

    @Option(names = "--subdomain", paramLabel = "LABEL", description = "The subdomain to ask for (default: random).")
    String subdomain;

    @Option(names = "--basic-auth", paramLabel = "USER:PASSWORD",
            description = "Ask visitors for this user and password.")
    String basicAuth;

    @Option(names = "--admin-port", paramLabel = "PORT", defaultValue = "" + LocalAdminClient.DEFAULT_PORT,
            description = "Port of the local admin API on 127.0.0.1 (default: ${DEFAULT-VALUE}); 0 turns it off.")
    int adminPort;

    private final ForegroundRun foreground = new ForegroundRun();

    /** See {@link ForegroundRun#stop()}. */
    void stop() {
        foreground.stop();
    }

    @Override
    public Integer call() throws InterruptedException {
        String local = LocalTarget.parse(spec, target);
        UpCommand.checkAdminPort(spec, adminPort);
        TunnelAddCommand.checkBasicAuth(spec, basicAuth);
        Credentials login = configDir.require();
        ControlPlaneClient client = TunnelCommand.client(login);
        String name = "http-" + LocalTarget.port(local) + "-" + suffix();
        RemoteTunnel created = client.createTunnel(new NewTunnelRequest(name, "http", local, subdomain, null, null,
                basicAuth));
        PrintWriter out = spec.commandLine().getOut();
        out.println("tunnel " + name + " created: " + (created.publicUrl() != null ? created.publicUrl()
                : "(no node is online yet to give it a URL)") + " -> " + local);
        out.println("Ctrl-C to stop and remove it");
        out.flush();
        try {
            foreground.printRequests(console -> e -> console.line(line(e)));
            UpCommand.serveFromControlPlane(foreground, spec, login, configDir.secrets(), adminPort, t -> t.name().equals(name),
                    (agent, console) -> { });
        } finally {
            try {
                client.deleteTunnel(created.id() != null ? String.valueOf(created.id()) : name);
                out.println("tunnel " + name + " removed");
            } catch (ControlPlaneException e) {
                spec.commandLine().getErr().println("warning: could not remove tunnel " + name + ": "
                        + e.getMessage() + "; remove it with `fluxctl tunnel rm " + name + "`");
            }
            out.flush();
        }
        return ExitCodes.OK;
    }

    /** One request as printed: {@code GET /index.html 200 12 ms}; a request that got no answer shows {@code -}. */
    static String line(HttpExchange e) {
        return e.method() + " " + e.path() + " " + (e.status() == 0 ? "-" : String.valueOf(e.status())) + " "
                + e.durationMillis() + " ms";
    }

    private static String suffix() {
        SecureRandom random = new SecureRandom();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
