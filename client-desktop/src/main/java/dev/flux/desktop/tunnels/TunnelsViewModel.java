package dev.flux.desktop.tunnels;

import dev.flux.client.ControlPlaneAgent;
import dev.flux.client.TunnelStatus;
import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.ErrorText;
import dev.flux.desktop.Messages;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The user's tunnels: the control plane's list ({@code GET /api/v1/tunnels}) joined with the in-process agent's
 * state and traffic, refreshed every second in the background. Turning a tunnel on or off goes to the control plane
 * and then to the agent at once.
 */
public final class TunnelsViewModel implements AutoCloseable {

    private final DesktopContext context;
    private final Messages messages;
    private final ObservableList<TunnelRow> tunnels = FXCollections.observableArrayList();
    private final ObjectProperty<TunnelRow> selected = new SimpleObjectProperty<>();
    private final StringProperty error = new SimpleStringProperty("");
    private final StringProperty notice = new SimpleStringProperty("");
    private final Map<String, TunnelRow> byName = new HashMap<>();
    private volatile String agentFailure;
    private String pendingSelection;
    private ScheduledFuture<?> refresher;
    private long lastSampleNanos;

    /** One refresh's findings, gathered in the background. */
    record Snapshot(List<RemoteTunnel> remote, Exception remoteFailure, List<ControlPlaneAgent.ServedTunnel> local,
                    long reconnectAtMillis, String controlPlaneProblem) {
    }

    private List<RemoteTunnel> lastRemote = List.of();

    public TunnelsViewModel(DesktopContext context, Messages messages) {
        this.context = context;
        this.messages = messages;
    }

    public ObservableList<TunnelRow> tunnels() {
        return tunnels;
    }

    public ObjectProperty<TunnelRow> selectedProperty() {
        return selected;
    }

    /** What went wrong, in plain words; empty when all is well. */
    public StringProperty errorProperty() {
        return error;
    }

    /** A passing remark, e.g. that the control plane cannot be reached while the tunnels run on. */
    public StringProperty noticeProperty() {
        return notice;
    }

    /** Starts refreshing every second. */
    public void start() {
        if (refresher == null) {
            refresher = context.tasks().every(1, TimeUnit.SECONDS, () -> {
                Snapshot s = snapshot();
                context.tasks().onScreen(() -> apply(s));
            });
        }
    }

    /** Refreshes once now, in the background. */
    public void refresh() {
        context.tasks().run(this::snapshot, this::apply, e -> error.set(ErrorText.describe(e, messages)));
    }

    /** The agent stopped for good: every tunnel shows why until the user signs in again. */
    public void agentFailed(Throwable failure) {
        agentFailure = ErrorText.describe(failure, messages);
        error.set(agentFailure);
    }

    /** Turns a tunnel on or off in the control plane; the agent follows at once. */
    public void setEnabled(TunnelRow row, boolean enabled) {
        ControlPlaneClient client = context.agent().client();
        if (client == null) {
            return;
        }
        error.set("");
        context.tasks().run(() -> {
            RemoteTunnel changed = client.setTunnelEnabled(row.name(), enabled);
            context.agent().syncNow();
            return changed;
        }, changed -> {
            row.enabledProperty().set(changed.isEnabled());
            refresh();
        }, e -> {
            row.enabledProperty().set(!enabled);
            error.set(messages.get("tunnels.error.toggle", row.name(), ErrorText.describe(e, messages)));
        });
    }

    /** Selects the tunnel named {@code name} once it is listed (after "Expose a local port"). */
    public void select(String name) {
        TunnelRow row = byName.get(name);
        if (row != null) {
            selected.set(row);
            pendingSelection = null;
        } else {
            pendingSelection = name;
        }
    }

    Snapshot snapshot() {
        ControlPlaneClient client = context.agent().client();
        List<RemoteTunnel> remote = null;
        Exception failure = null;
        if (client != null) {
            try {
                remote = client.tunnels();
            } catch (ControlPlaneException e) {
                failure = e;
            }
        }
        return new Snapshot(remote, failure, context.agent().status(), context.agent().reconnectAtMillis(),
                context.agent().controlPlaneProblem());
    }

    /** Merges a snapshot into the rows, keeping the row objects (and the selection and traffic history). */
    void apply(Snapshot s) {
        long now = System.nanoTime();
        double seconds = lastSampleNanos == 0 ? 0 : (now - lastSampleNanos) / 1e9;
        lastSampleNanos = now;
        if (s.remote() != null) {
            lastRemote = s.remote();
            if (agentFailure == null) {
                error.set("");
            }
        } else if (s.remoteFailure() != null && agentFailure == null) {
            error.set(ErrorText.describe(s.remoteFailure(), messages));
        }
        notice.set(s.controlPlaneProblem() == null ? "" : messages.get("tunnels.notice.controlPlane"));
        Map<String, ControlPlaneAgent.ServedTunnel> local = new LinkedHashMap<>();
        s.local().forEach(t -> local.put(t.status().name(), t));
        long reconnect = s.reconnectAtMillis() == 0 ? 0 : s.reconnectAtMillis() - System.currentTimeMillis();
        Map<String, TunnelRow> next = new LinkedHashMap<>();
        for (RemoteTunnel r : lastRemote) {
            TunnelRow row = byName.computeIfAbsent(r.name(), TunnelRow::new);
            ControlPlaneAgent.ServedTunnel served = local.get(r.name());
            TunnelStatus status = served == null ? null : served.status();
            row.typeProperty().set(r.type());
            row.localTargetProperty().set(r.localTarget());
            row.enabledProperty().set(r.isEnabled());
            row.stateProperty().set(DisplayedState.of(r, status, agentFailure, reconnect, messages));
            String url = served != null && served.publicUrl() != null ? served.publicUrl() : r.publicUrl();
            row.publicUrlProperty().set(url);
            row.connectionsProperty().set(status == null ? 0 : status.connections());
            row.sample(status == null ? 0 : status.bytesIn(), status == null ? 0 : status.bytesOut(), seconds);
            next.put(r.name(), row);
        }
        byName.keySet().retainAll(next.keySet());
        if (!tunnels.equals(List.copyOf(next.values()))) {
            TunnelRow keep = selected.get();
            tunnels.setAll(next.values());
            selected.set(keep != null && next.containsKey(keep.name()) ? keep : null);
        }
        if (pendingSelection != null && next.containsKey(pendingSelection)) {
            select(pendingSelection);
        }
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.cancel(false);
            refresher = null;
        }
    }
}
