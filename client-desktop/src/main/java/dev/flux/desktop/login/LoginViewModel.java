package dev.flux.desktop.login;

import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.controlplane.DeviceAuthorization;
import dev.flux.client.controlplane.DevicePoll;
import dev.flux.client.controlplane.Me;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.ErrorText;
import dev.flux.desktop.Messages;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * First run: which control plane, and a login to it, either approved in the browser (the device flow) or a pasted
 * API token. The login is saved where fluxctl saves it, so both use it.
 */
public final class LoginViewModel {

    /** The control plane fluxctl logs in to when told nothing else. */
    public static final String DEFAULT_SERVER = "http://127.0.0.1:8443";

    private final DesktopContext context;
    private final Messages messages;
    private final Consumer<Credentials> onSignedIn;
    private final StringProperty server = new SimpleStringProperty(DEFAULT_SERVER);
    private final StringProperty token = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty progress = new SimpleStringProperty("");
    private final StringProperty userCode = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private volatile boolean cancelled;

    public LoginViewModel(DesktopContext context, Messages messages, Consumer<Credentials> onSignedIn) {
        this.context = context;
        this.messages = messages;
        this.onSignedIn = onSignedIn;
        try {
            context.credentials().load().ifPresent(c -> server.set(c.server()));
        } catch (IllegalStateException e) {
            // a damaged file is replaced by this login
        }
    }

    public StringProperty serverProperty() {
        return server;
    }

    public StringProperty tokenProperty() {
        return token;
    }

    /** What went wrong, in plain words; empty when nothing did. */
    public StringProperty errorProperty() {
        return error;
    }

    /** What is happening: "waiting for approval...". */
    public StringProperty progressProperty() {
        return progress;
    }

    /** The code to approve in the browser during a device login. */
    public StringProperty userCodeProperty() {
        return userCode;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    /** Checks the pasted token with the control plane ({@code GET /api/v1/me}) and saves the login. */
    public void signInWithToken() {
        URI uri = serverUri();
        if (uri == null) {
            return;
        }
        String t = token.get() == null ? "" : token.get().trim();
        if (t.isEmpty()) {
            error.set(messages.get("login.error.tokenEmpty"));
            return;
        }
        if (!t.startsWith("flx_")) {
            error.set(messages.get("login.error.tokenFormat"));
            return;
        }
        begin(messages.get("login.progress.checking", uri));
        context.tasks().run(() -> verify(uri, t), this::signedIn, this::failed);
    }

    /** Starts a device login: shows a code, opens the approval page in the browser and waits for the approval. */
    public void signInWithBrowser() {
        URI uri = serverUri();
        if (uri == null) {
            return;
        }
        begin(messages.get("login.progress.starting", uri));
        cancelled = false;
        ControlPlaneClient client = new ControlPlaneClient(uri, null);
        String clientName = "FLUX desktop on " + hostName();
        context.tasks().run(() -> client.authorizeDevice(clientName), auth -> {
            userCode.set(auth.userCode());
            String page = auth.verificationUriComplete() != null ? auth.verificationUriComplete()
                    : auth.verificationUri();
            progress.set(messages.get("login.progress.approve", auth.userCode(), page));
            context.browser().accept(page);
            context.tasks().run(() -> awaitApproval(client, auth, uri, clientName), this::signedIn, this::failed);
        }, this::failed);
    }

    /** Stops waiting for a device login's approval. */
    public void cancel() {
        cancelled = true;
    }

    private Credentials awaitApproval(ControlPlaneClient client, DeviceAuthorization auth, URI uri, String name)
            throws InterruptedException {
        long interval = Math.max(1, auth.interval());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(1, auth.expiresIn()));
        while (!cancelled) {
            TimeUnit.SECONDS.sleep(interval);
            DevicePoll poll = client.pollDevice(auth.deviceCode());
            switch (poll.outcome()) {
                case APPROVED -> {
                    return save(new Credentials(uri.toString(), poll.token(), poll.username(), name));
                }
                case DENIED -> throw new IllegalStateException(messages.get("login.error.denied"));
                case EXPIRED -> throw new IllegalStateException(messages.get("login.error.expired", auth.userCode()));
                case PENDING -> {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(messages.get("login.error.expired", auth.userCode()));
                    }
                }
                default -> throw new IllegalStateException("unknown outcome " + poll.outcome());
            }
        }
        throw new IllegalStateException(messages.get("login.error.cancelled"));
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
        return save(new Credentials(uri.toString(), apiToken, me.username(), tokenName));
    }

    private Credentials save(Credentials credentials) {
        context.credentials().save(credentials);
        return credentials;
    }

    private URI serverUri() {
        error.set("");
        String value = server.get() == null ? "" : server.get().trim();
        if (value.isEmpty()) {
            error.set(messages.get("login.error.serverEmpty"));
            return null;
        }
        try {
            return ControlPlaneClient.serverUri(value);
        } catch (IllegalArgumentException e) {
            error.set(messages.get("login.error.serverFormat", value));
            return null;
        }
    }

    private void begin(String what) {
        error.set("");
        userCode.set("");
        progress.set(what);
        busy.set(true);
    }

    private void signedIn(Credentials credentials) {
        busy.set(false);
        progress.set("");
        userCode.set("");
        token.set("");
        onSignedIn.accept(credentials);
    }

    private void failed(Exception e) {
        busy.set(false);
        progress.set("");
        userCode.set("");
        error.set(ErrorText.describe(e, messages));
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "this computer";
        }
    }
}
