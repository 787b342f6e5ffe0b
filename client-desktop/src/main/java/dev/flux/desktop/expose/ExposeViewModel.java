package dev.flux.desktop.expose;

import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.NewTunnelRequest;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.ErrorText;
import dev.flux.desktop.Messages;
import dev.flux.protocol.config.DnsNames;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * "Expose a local port": a port something listens on, HTTP or TCP, an optional subdomain → a tunnel created in the
 * control plane, which the in-process agent serves at once.
 */
public final class ExposeViewModel {

    public static final List<String> TYPES = List.of("http", "tcp");

    private final DesktopContext context;
    private final Messages messages;
    private final ListeningPorts listening;
    private final Consumer<RemoteTunnel> onCreated;
    private final ObservableList<Integer> ports = FXCollections.observableArrayList();
    private final StringProperty port = new SimpleStringProperty("");
    private final StringProperty type = new SimpleStringProperty("http");
    private final StringProperty subdomain = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty result = new SimpleStringProperty("");
    private final BooleanProperty busy = new SimpleBooleanProperty();
    private final BooleanProperty portsKnown = new SimpleBooleanProperty();

    public ExposeViewModel(DesktopContext context, Messages messages, ListeningPorts listening,
                           Consumer<RemoteTunnel> onCreated) {
        this.context = context;
        this.messages = messages;
        this.listening = listening;
        this.onCreated = onCreated;
    }

    /** The listening ports on offer. */
    public ObservableList<Integer> ports() {
        return ports;
    }

    /** Whether {@link #ports()} is this computer's list; false where it cannot be read (type a port instead). */
    public BooleanProperty portsKnownProperty() {
        return portsKnown;
    }

    public StringProperty portProperty() {
        return port;
    }

    public StringProperty typeProperty() {
        return type;
    }

    public StringProperty subdomainProperty() {
        return subdomain;
    }

    public StringProperty errorProperty() {
        return error;
    }

    /** "Created web: http://web.example.com" once done. */
    public StringProperty resultProperty() {
        return result;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }

    /** Reads the listening ports again, in the background. */
    public void scanPorts() {
        context.tasks().run(listening::read, found -> {
            portsKnown.set(found.isPresent());
            ports.setAll(found.orElse(List.of()));
        }, e -> portsKnown.set(false));
    }

    /**
     * Checks the form; the request to send, or null with {@link #errorProperty()} saying what is wrong.
     */
    NewTunnelRequest validate() {
        error.set("");
        String p = port.get() == null ? "" : port.get().trim();
        int number;
        try {
            number = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 1 || number > 65535) {
            error.set(p.isEmpty() ? messages.get("expose.error.portEmpty") : messages.get("expose.error.port", p));
            return null;
        }
        String t = type.get() == null ? "" : type.get().toLowerCase(Locale.ROOT);
        if (!TYPES.contains(t)) {
            error.set(messages.get("expose.error.type", t));
            return null;
        }
        String sub = subdomain.get() == null ? "" : subdomain.get().trim();
        if (!sub.isEmpty() && !"http".equals(t)) {
            error.set(messages.get("expose.error.subdomainForHttp"));
            return null;
        }
        if (!sub.isEmpty() && !DnsNames.isLowerCaseLabel(sub)) {
            error.set(messages.get("expose.error.subdomain", sub));
            return null;
        }
        if (portsKnown.get() && !ports.contains(number)) {
            error.set(messages.get("expose.error.notListening", Integer.toString(number)));
            return null;
        }
        String name = sub.isEmpty() ? t + "-" + number : sub;
        return new NewTunnelRequest(name, t, "localhost:" + number, sub.isEmpty() ? null : sub, null, null, null);
    }

    /** Creates the tunnel in the control plane and tells the agent. */
    public void expose() {
        result.set("");
        NewTunnelRequest request = validate();
        ControlPlaneClient client = context.agent().client();
        if (request == null) {
            return;
        }
        if (client == null) {
            error.set(messages.get("expose.error.signedOut"));
            return;
        }
        busy.set(true);
        context.tasks().run(() -> {
            RemoteTunnel created = client.createTunnel(request);
            context.agent().syncNow();
            return created;
        }, created -> {
            busy.set(false);
            result.set(messages.get("expose.created", created.name(), created.publicUrl() == null
                    ? messages.get("expose.noNode") : created.publicUrl()));
            subdomain.set("");
            onCreated.accept(created);
        }, e -> {
            busy.set(false);
            error.set(ErrorText.describe(e, messages));
        });
    }
}
