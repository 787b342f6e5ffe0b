package dev.flux.desktop.agent;

import dev.flux.client.AgentListener;
import dev.flux.client.ControlPlaneAgent;
import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import dev.flux.client.admin.AdminTunnel;
import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.admin.LocalAdminServer;
import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.Credentials;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent running inside the app, the way {@code fluxctl up} runs it in control-plane mode: client-core's
 * {@link ControlPlaneAgent} with the local admin API on 127.0.0.1 ({@value LocalAdminClient#DEFAULT_PORT} unless told
 * otherwise), so that {@code fluxctl tunnel add} reaches it and {@code fluxctl tunnel list} sees the same tunnels.
 * Its events go to the {@link EventLog}. Starting and stopping block (they talk to the network): call them from the
 * background.
 */
public final class AgentHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentHost.class);
    private static final Pattern RETRY = Pattern.compile("retrying in (\\d+(?:[.,]\\d+)?) s");

    private final EventLog events;
    private final int adminPort;
    private final AtomicReference<Running> running = new AtomicReference<>();
    private volatile Consumer<Throwable> onFatal = e -> { };
    private volatile long reconnectAtMillis;
    private volatile String controlPlaneProblem;

    private record Running(ControlPlaneAgent agent, ControlPlaneClient client, LocalAdminServer admin) {
    }

    /**
     * @param adminPort port of the local admin API; 0: none (tests that run beside a real {@code fluxctl up})
     */
    public AgentHost(EventLog events, int adminPort) {
        this.events = events;
        this.adminPort = adminPort;
    }

    /** Called once, from the agent's thread, when it stops for good (a rejected token, a node that refuses). */
    public void onFatal(Consumer<Throwable> handler) {
        this.onFatal = handler;
    }

    /** Starts serving the tunnels of {@code login}; stops the agent of an earlier login first. */
    public void start(Credentials login) {
        stop();
        ControlPlaneClient client = new ControlPlaneClient(URI.create(login.server()), login.token());
        ControlPlaneAgent agent = new ControlPlaneAgent(client, login.token(), new Listener(), t -> true);
        LocalAdminServer admin = null;
        if (adminPort != 0) {
            try {
                admin = LocalAdminServer.start(adminPort, () -> adminStatus(agent), agent::syncNow);
                if (admin == null) {
                    events.add(true, "the local admin API cannot listen on 127.0.0.1:" + adminPort + " (is fluxctl up "
                            + "running?); fluxctl on this computer will not see this app's agent");
                }
            } catch (IOException e) {
                events.add(true, "the local admin API cannot start on 127.0.0.1:" + adminPort + ": "
                        + e.getMessage());
            }
        }
        Running next = new Running(agent, client, admin);
        running.set(next);
        agent.terminated().whenComplete((ok, failure) -> {
            if (failure != null && running.get() == next) {
                events.add(true, failure.getMessage());
                onFatal.accept(failure);
            }
        });
        events.add(false, "serving the tunnels of " + (login.username() == null ? "this login" : login.username())
                + " from the control plane at " + login.server());
        agent.start();
    }

    /** The control plane of the running agent; null when none runs. */
    public ControlPlaneClient client() {
        Running r = running.get();
        return r == null ? null : r.client();
    }

    public boolean isRunning() {
        return running.get() != null;
    }

    /** The tunnels the agent serves now. */
    public List<ControlPlaneAgent.ServedTunnel> status() {
        Running r = running.get();
        return r == null ? List.of() : r.agent().status();
    }

    /** Makes the agent read the control plane now, after a change made from the app. */
    public void syncNow() {
        Running r = running.get();
        if (r != null) {
            r.agent().syncNow();
        }
    }

    /** When the agent next tries to reach the node, in epoch millis; 0 when it is not waiting to. */
    public long reconnectAtMillis() {
        return reconnectAtMillis;
    }

    /** What is wrong with the control plane while it cannot be reached; null when it answers. */
    public String controlPlaneProblem() {
        return controlPlaneProblem;
    }

    /** The port the local admin API listens on, 0 when it does not run. */
    public int adminPort() {
        Running r = running.get();
        return r == null || r.admin() == null ? 0 : r.admin().port();
    }

    /** Stops the agent and its admin API; the tunnels go offline. */
    public void stop() {
        Running r = running.getAndSet(null);
        if (r == null) {
            return;
        }
        if (r.admin() != null) {
            r.admin().close();
        }
        r.agent().close();
        events.add(false, "stopped");
    }

    @Override
    public void close() {
        stop();
    }

    private static List<AdminTunnel> adminStatus(ControlPlaneAgent agent) {
        return agent.status().stream().map(t -> new AdminTunnel(t.status().name(), t.status().type(),
                t.status().state().name().toLowerCase(Locale.ROOT), t.publicUrl(), t.status().localAddress(),
                t.status().error())).toList();
    }

    /** Seconds in "...; retrying in 2.1 s", or -1. */
    static double retrySeconds(String detail) {
        if (detail == null) {
            return -1;
        }
        Matcher m = RETRY.matcher(detail);
        return m.find() ? Double.parseDouble(m.group(1).replace(',', '.')) : -1;
    }

    /** The agent's events, on its event loop: record and return. */
    private final class Listener implements AgentListener {

        @Override
        public void tunnelChanged(TunnelStatus status) {
            switch (status.state()) {
                case READY -> events.add(false, "[" + status.name() + "] tunnel ready "
                        + String.join(" ", status.urls()));
                case REJECTED -> events.add(true, "[" + status.name() + "] tunnel rejected: " + status.error());
                default -> {
                    if (status.state() == TunnelState.RECONNECTING) {
                        log.debug("[{}] reconnecting", status.name());
                    }
                }
            }
        }

        @Override
        public void connectionChanged(boolean connected, String detail) {
            double retry = retrySeconds(detail);
            reconnectAtMillis = connected || retry < 0 ? 0 : System.currentTimeMillis() + (long) (retry * 1000);
            events.add(!connected, connected ? detail : "disconnected: " + detail);
        }

        @Override
        public void controlPlaneChanged(boolean reachable, String detail) {
            controlPlaneProblem = reachable ? null : detail;
            events.add(!reachable, detail);
        }
    }
}
