package dev.flux.desktop.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flux.client.AgentListener;
import dev.flux.client.ControlPlaneAgent;
import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import dev.flux.client.admin.AdminTunnel;
import dev.flux.client.admin.LocalAdminClient;
import dev.flux.client.admin.LocalAdminServer;
import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.inspect.InspectSettings;
import dev.flux.client.inspect.InspectorClient;
import dev.flux.client.inspect.RequestCapture;
import dev.flux.client.inspect.RequestInspector;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
 * Its events go to the {@link EventLog}. Like {@code fluxctl up}, the agent's HTTP exchanges go to client-core's
 * {@link RequestInspector} (the last 100 per tunnel, 64 KiB of each body), which the admin API serves to
 * {@code fluxctl inspect} and the browser and the app calls in-process through {@link #inspect}; what it kept is
 * forgotten when the agent stops. Starting and stopping block (they talk to the network): call them from the
 * background.
 */
public final class AgentHost implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentHost.class);
    private static final Pattern RETRY = Pattern.compile("retrying in (\\d+(?:[.,]\\d+)?) s");

    private final EventLog events;
    private final int adminPort;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final AtomicReference<Running> running = new AtomicReference<>();
    private final RequestInspector inspector = new RequestInspector(
            new RequestCapture(InspectSettings.DEFAULT, null), this::tunnelTarget);
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
        agent.observeHttp(inspector.capture());
        LocalAdminServer admin = null;
        if (adminPort != 0) {
            try {
                admin = LocalAdminServer.start(adminPort, () -> adminStatus(agent), agent::syncNow, inspector);
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
        inspector.capture().clear(null);
        events.add(false, "stopped");
    }

    @Override
    public void close() {
        stop();
    }

    /** The request inspector of this app's agent (one for the app's life; emptied when the agent stops). */
    public RequestInspector inspector() {
        return inspector;
    }

    /**
     * Calls the inspector's API in-process, as {@code fluxctl inspect} calls it over HTTP (see docs/inspector.md):
     * e.g. {@code inspect("GET", "/api/requests", "after=7", null)}. Blocks (a replay or a test message talks to the
     * network): call it from the background.
     *
     * @param body a value to send as JSON, or null
     * @return the JSON answer, or null for 204
     * @throws InspectorClient.InspectorException the API's refusal, its message for the user
     */
    public JsonNode inspect(String method, String path, String query, Object body) {
        try {
            byte[] json = body == null ? null : JSON.writeValueAsBytes(body);
            RequestInspector.Response r = inspector.handle(method, path, query, json, "");
            JsonNode answer = r.body() == null || r.body().length == 0 ? null : JSON.readTree(r.body());
            if (r.status() >= 400) {
                throw new InspectorClient.InspectorException(answer == null ? "http_" + r.status()
                        : answer.path("error").asText(), answer == null ? method + " " + path + ": " + r.status()
                        : answer.path("message").asText());
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException("the inspector's answer is not JSON: " + e.getMessage(), e);
        }
    }

    /** Where the inspector replays a tunnel's requests and sends its WeChat test messages. */
    private Optional<RequestInspector.TunnelTarget> tunnelTarget(String name) {
        return status().stream().filter(t -> t.status().name().equals(name)).findFirst()
                .flatMap(t -> RequestInspector.TunnelTarget.of(t.status().localAddress(), t.publicUrl()));
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
