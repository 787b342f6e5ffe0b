package dev.flux.cli;

import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.DeviceAuthorization;
import dev.flux.client.controlplane.DevicePoll;
import dev.flux.client.controlplane.Me;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code fluxctl login}: gets an API token from the control plane and saves it. By default through the device
 * flow (approve a code in the browser); with {@code --token} from a token made elsewhere, checked before saving.
 */
@Command(name = "login", description = {
    "Log in to a control plane and save the token for the other commands.",
    "Shows a code to approve in the browser (opened for you where there is a desktop). On a machine without one,",
    "make a token in the web UI or with the API and pass it with --token."})
final class LoginCommand implements Callable<Integer> {

    static final String DEFAULT_SERVER = "http://127.0.0.1:8443";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigDirOption configDir;

    @Option(names = "--server", paramLabel = "URL",
            description = "The control plane (default: the one of the saved login, else " + DEFAULT_SERVER + ").")
    String server;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Save this API token (flx_...) instead of logging in through the browser.")
    String token;

    @Option(names = "--no-browser", description = "Do not try to open the browser; only print the URL.")
    boolean noBrowser;

    @Override
    public Integer call() throws InterruptedException {
        if (server == null) {
            server = savedServer().orElse(DEFAULT_SERVER);
        }
        URI uri;
        try {
            uri = ControlPlaneClient.serverUri(server);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--server: " + e.getMessage());
        }
        if (token != null && !token.startsWith("flx_")) {
            throw new ParameterException(spec.commandLine(), "--token: the value is not a FLUX API token "
                    + "(expected: flx_ followed by 43 characters)");
        }
        Credentials saved = token != null ? verify(uri, token) : deviceLogin(uri);
        CredentialStore store = configDir.store();
        store.save(saved);
        PrintWriter out = spec.commandLine().getOut();
        out.println("logged in to " + uri + " as " + saved.username()
                + (saved.tokenName() == null ? "" : " (token '" + saved.tokenName() + "')"));
        out.println("saved to " + store.file());
        out.flush();
        return ExitCodes.OK;
    }

    private Credentials verify(URI uri, String apiToken) {
        ControlPlaneClient client = new ControlPlaneClient(uri, apiToken);
        Me me = client.me();
        String tokenName;
        try {
            tokenName = client.tokenName(me.tokenId());
        } catch (ControlPlaneException e) {
            tokenName = null; // a token without the scope to list tokens is still a valid login
        }
        return new Credentials(uri.toString(), apiToken, me.username(), tokenName);
    }

    private Credentials deviceLogin(URI uri) throws InterruptedException {
        ControlPlaneClient client = new ControlPlaneClient(uri, null);
        String clientName = "fluxctl on " + hostName();
        DeviceAuthorization auth = client.authorizeDevice(clientName);
        PrintWriter out = spec.commandLine().getOut();
        String url = auth.verificationUriComplete() != null ? auth.verificationUriComplete() : auth.verificationUri();
        out.println("To log in, open this page and approve the code " + auth.userCode() + ":");
        out.println();
        out.println("    " + url);
        out.println();
        boolean opened = !noBrowser && Browser.open(url);
        out.println((opened ? "Opened it in your browser. " : "") + "Waiting for approval (the code expires in "
                + minutes(auth.expiresIn()) + ")...");
        out.flush();
        long interval = Math.max(1, auth.interval());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, auth.expiresIn()));
        while (true) {
            TimeUnit.SECONDS.sleep(interval);
            DevicePoll poll = client.pollDevice(auth.deviceCode());
            switch (poll.outcome()) {
                case APPROVED -> {
                    return new Credentials(uri.toString(), poll.token(), poll.username(), clientName);
                }
                case DENIED -> throw new CliFailure(ExitCodes.TOKEN_REJECTED,
                        "the login was denied in the browser; nothing was saved");
                case EXPIRED -> throw new CliFailure(ExitCodes.RUNTIME_ERROR,
                        "the code " + auth.userCode() + " expired before it was approved; run `fluxctl login` again");
                case PENDING -> {
                    if (System.nanoTime() > deadline) {
                        throw new CliFailure(ExitCodes.RUNTIME_ERROR, "the code " + auth.userCode()
                                + " expired before it was approved; run `fluxctl login` again");
                    }
                }
                default -> throw new IllegalStateException("unknown outcome " + poll.outcome());
            }
        }
    }

    private java.util.Optional<String> savedServer() {
        try {
            return configDir.store().load().map(Credentials::server);
        } catch (IllegalStateException e) {
            return java.util.Optional.empty(); // a damaged file is replaced by this login
        }
    }

    private static String minutes(int seconds) {
        return seconds >= 120 ? seconds / 60 + " minutes" : seconds + " s";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "this machine";
        }
    }
}
