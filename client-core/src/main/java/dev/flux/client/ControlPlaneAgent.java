package dev.flux.client;

import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.HealthCheckConfig;
import dev.flux.client.config.TlsConfig;
import dev.flux.client.config.TunnelConfig;
import dev.flux.client.controlplane.AgentConfiguration;
import dev.flux.client.controlplane.ControlPlaneClient;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.client.controlplane.SecretStore;
import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.net.ProxyProtocol;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent in control-plane mode: the tunnels to serve and the node to serve them on come from the control plane
 * ({@code GET /api/v1/agent/config}), not from a file. It long-polls for changes and applies them to the running
 * {@link Agent} without reconnecting: a tunnel added, enabled, disabled or removed in the control plane is
 * registered or unregistered on the live connection. Only a change of node reconnects.
 *
 * <p>While the control plane cannot be reached the tunnels keep running; it is asked again with backoff. A token
 * the control plane rejects is fatal: {@link #terminated()} completes with an {@link AgentException} of kind
 * {@link AgentException.Kind#AUTH_REJECTED}.
 */
public final class ControlPlaneAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneAgent.class);
    /** How long one long poll waits for a change on the control plane. */
    static final int WAIT_SECONDS = 25;

    private final ControlPlaneClient client;
    private final String token;
    private final AgentListener listener;
    private final Predicate<RemoteTunnel> selection;
    private final SecretStore secrets;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final Backoff backoff = new Backoff(500, 30_000);
    private final ExecutorService requests = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "flux-control-plane");
        t.setDaemon(true);
        return t;
    });
    private final Thread syncThread;
    private final Object lock = new Object();
    private volatile boolean stopping;
    private volatile CompletableFuture<Void> wake = new CompletableFuture<>();
    private volatile HttpExchangeListener httpObserver;
    private boolean unreachable; // confined to the sync thread

    // Guarded by lock.
    private Agent agent;
    private AgentConfiguration.Node node;
    private Map<String, TunnelConfig> served = new LinkedHashMap<>();
    private Map<String, RemoteTunnel> described = new LinkedHashMap<>();

    /**
     * @param token     the API token: the node is logged in to with it too
     * @param selection which of the user's enabled tunnels this agent serves (all: {@code t -> true})
     */
    public ControlPlaneAgent(ControlPlaneClient client, String token, AgentListener listener,
                             Predicate<RemoteTunnel> selection) {
        this(client, token, listener, selection, SecretStore.forCurrentUser());
    }

    /**
     * @param token     the API token: the node is logged in to with it too
     * @param selection which of the user's enabled tunnels this agent serves (all: {@code t -> true})
     * @param secrets   where the secrets of the user's secret tunnels (stcp, sudp, xtcp) are saved on this machine
     */
    public ControlPlaneAgent(ControlPlaneClient client, String token, AgentListener listener,
                             Predicate<RemoteTunnel> selection, SecretStore secrets) {
        this.secrets = secrets;
        this.client = client;
        this.token = token;
        this.listener = listener;
        this.selection = selection;
        this.syncThread = new Thread(this::syncLoop, "flux-agent-sync");
        this.syncThread.setDaemon(true);
    }

    /** Starts fetching the configuration and serving it; returns at once. */
    public void start() {
        syncThread.start();
    }

    /** Reads the control plane now instead of waiting for the running long poll to answer. */
    public void syncNow() {
        wake.complete(null);
    }

    /** Completes when the agent stops: after {@link #close()}, or exceptionally on a fatal error. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** See {@link Agent#observeHttp(HttpExchangeListener)}; applies to the agents started from now on too. */
    public void observeHttp(HttpExchangeListener observer) {
        this.httpObserver = observer;
        synchronized (lock) {
            if (agent != null) {
                agent.observeHttp(observer);
            }
        }
    }

    /** Every served tunnel, with the public URL the control plane gave while the node has not said it yet. */
    public List<ServedTunnel> status() {
        Agent current;
        Map<String, RemoteTunnel> remote;
        synchronized (lock) {
            current = agent;
            remote = new LinkedHashMap<>(described);
        }
        List<ServedTunnel> out = new ArrayList<>();
        if (current != null) {
            for (TunnelStatus s : current.status()) {
                RemoteTunnel r = remote.get(s.name());
                String url = !s.urls().isEmpty() ? s.urls().get(0) : r == null ? null : r.publicUrl();
                out.add(new ServedTunnel(s, url));
            }
        }
        return out;
    }

    /** A tunnel as {@link #status()} reports it. */
    public record ServedTunnel(TunnelStatus status, String publicUrl) {
    }

    @Override
    public void close() {
        stopping = true;
        wake.complete(null);
        syncThread.interrupt();
        try {
            syncThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        requests.shutdownNow();
        Agent last;
        synchronized (lock) {
            last = agent;
            agent = null;
        }
        if (last != null) {
            last.close();
        }
        terminated.complete(null);
    }

    private void syncLoop() {
        Long version = null;
        while (!stopping) {
            try {
                AgentConfiguration config = fetch(version);
                if (config == null) { // woken: read the current state at once
                    version = null;
                    continue;
                }
                backoff.reset();
                if (unreachable) {
                    unreachable = false;
                    log.info("the control plane at {} answers again", client.server());
                    listener.controlPlaneChanged(true, "the control plane at " + client.server() + " answers again");
                }
                if (version == null || config.version() != version) {
                    apply(config);
                }
                version = config.version();
            } catch (ControlPlaneException e) {
                if (stopping) {
                    return;
                }
                if (e.kind() == ControlPlaneException.Kind.UNAUTHENTICATED || e.status() == 403) {
                    fatal(new AgentException(AgentException.Kind.AUTH_REJECTED,
                            "the control plane rejected the token: " + e.getMessage()));
                    return;
                }
                if (e.status() == 404) {
                    fatal(new AgentException(AgentException.Kind.CONFIG, "the control plane at " + client.server()
                            + " does not serve agent configurations (GET /api/v1/agent/config answered 404: "
                            + e.getMessage() + "); is it a FLUX control plane of this version?"));
                    return;
                }
                long delay = backoff.nextDelayMillis();
                log.warn("{}; the tunnels keep running, asking again in {} s", e.getMessage(),
                        String.format("%.1f", delay / 1000.0));
                if (!unreachable) {
                    unreachable = true;
                    listener.controlPlaneChanged(false, e.getMessage());
                }
                if (!pause(delay)) {
                    return;
                }
                version = null;
            } catch (AgentException e) {
                fatal(e);
                return;
            } catch (RuntimeException e) {
                log.error("applying the control plane's configuration failed", e);
                if (!pause(backoff.nextDelayMillis())) {
                    return;
                }
                version = null;
            }
        }
    }

    /** The configuration after {@code version}; null when {@link #syncNow()} cut the wait short. */
    private AgentConfiguration fetch(Long version) {
        CompletableFuture<Void> woken = wake;
        if (version == null) {
            wake = new CompletableFuture<>();
            return client.agentConfig(null, 0);
        }
        CompletableFuture<AgentConfiguration> poll = CompletableFuture.supplyAsync(
                () -> client.agentConfig(version, WAIT_SECONDS), requests);
        try {
            CompletableFuture.anyOf(poll, woken).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
        if (!poll.isDone()) {
            return null; // the abandoned poll ends by itself within WAIT_SECONDS
        }
        return poll.join();
    }

    private boolean pause(long millis) {
        try {
            wake.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return !stopping;
        } catch (InterruptedException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        return !stopping;
    }

    private void apply(AgentConfiguration config) {
        Map<String, TunnelConfig> desired = new LinkedHashMap<>();
        Map<String, RemoteTunnel> remote = new LinkedHashMap<>();
        for (RemoteTunnel t : config.tunnels()) {
            if (!t.isEnabled() || !selection.test(t)) {
                continue;
            }
            try {
                desired.put(t.name(), tunnelConfig(t, secrets));
                remote.put(t.name(), t);
            } catch (IllegalArgumentException e) {
                log.error("[{}] cannot serve this tunnel: {}", t.name(), e.getMessage());
            }
        }
        AgentConfiguration.Node online = config.onlineNode();
        synchronized (lock) {
            if (stopping) {
                return;
            }
            described = remote;
            if (online == null) {
                if (agent == null) {
                    log.warn("no node is online for this control plane; waiting for one");
                    listener.connectionChanged(false, "no node is online; waiting for one");
                }
                return; // a running agent keeps its node and its own reconnects
            }
            if (agent == null || !sameNode(node, online)) {
                restart(online, desired);
                return;
            }
            for (Map.Entry<String, TunnelConfig> e : served.entrySet()) {
                if (!e.getValue().equals(desired.get(e.getKey()))) {
                    log.info("[{}] removed or changed in the control plane", e.getKey());
                    agent.removeTunnel(e.getKey());
                }
            }
            for (Map.Entry<String, TunnelConfig> e : desired.entrySet()) {
                if (!e.getValue().equals(served.get(e.getKey()))) {
                    agent.addTunnel(e.getValue());
                }
            }
            served = desired;
        }
    }

    private void restart(AgentConfiguration.Node online, Map<String, TunnelConfig> desired) {
        if (agent != null) {
            log.info("the control plane moved this agent to node {} at {}:{}", online.name(), online.tunnelHost(),
                    online.tunnelPort());
            agent.close();
        }
        TlsConfig tls = new TlsConfig(online.fingerprint(), null, null, false);
        AgentConfig agentConfig = new AgentConfig(online.tunnelHost(), online.tunnelPort(), token, tls,
                new ArrayList<>(desired.values()));
        Agent next = new Agent(agentConfig, listener);
        next.observeHttp(httpObserver);
        next.terminated().whenComplete((ok, failure) -> {
            if (failure != null) {
                fatal(failure instanceof AgentException a ? a
                        : new AgentException(AgentException.Kind.CONFIG, failure.getMessage()));
            }
        });
        agent = next;
        node = online;
        served = desired;
        next.start();
    }

    private static boolean sameNode(AgentConfiguration.Node a, AgentConfiguration.Node b) {
        return a != null && a.tunnelHost().equals(b.tunnelHost()) && a.tunnelPort() == b.tunnelPort()
                && Objects.equals(a.fingerprint(), b.fingerprint());
    }

    private void fatal(AgentException e) {
        stopping = true;
        wake.complete(null);
        terminated.completeExceptionally(e);
    }

    /**
     * The agent's form of a tunnel from the control plane.
     *
     * @throws IllegalArgumentException when its local target is not {@code host:port}, or a secret tunnel's secret
     *     is not saved on this machine
     */
    static TunnelConfig tunnelConfig(RemoteTunnel t, SecretStore secrets) {
        String target = t.localTarget();
        int colon = target == null ? -1 : target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("local target '" + target + "' is not host:port");
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("local target '" + target + "' has no port number");
        }
        String user = null;
        String password = null;
        if (t.basicAuth() != null) {
            int sep = t.basicAuth().indexOf(':');
            if (sep <= 0) {
                throw new IllegalArgumentException("basic auth is not user:password");
            }
            user = t.basicAuth().substring(0, sep);
            password = t.basicAuth().substring(sep + 1);
        }
        List<String> domains = t.customDomain() == null ? List.of() : List.of(t.customDomain());
        int remotePort = t.remotePort() == null ? 0 : t.remotePort();
        String tlsTermination = !TunnelConfig.HTTPS.equals(t.type()) ? null
                : t.tlsTermination() == null ? "passthrough" : t.tlsTermination();
        if (SecretStore.TUNNEL_TYPES.contains(t.type())) {
            // the control plane never holds the secret: it is saved on the owner's machine
            String secret;
            try {
                secret = secrets.find(t.name()).orElse(null);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            if (secret == null) {
                throw new IllegalArgumentException("no secret for " + t.type() + " tunnel '" + t.name()
                        + "' on this machine (" + secrets.file() + "); save the one its visitors use with `fluxctl "
                        + "tunnel secret " + t.name() + " --secret SECRET`, or make a new one with `fluxctl tunnel "
                        + "secret " + t.name() + " --new`");
            }
            return new TunnelConfig(t.name(), t.type(), host, port, 0, null, List.of(), null, null, null, null,
                    TunnelPolicy.NONE, null, healthCheck(t.healthCheck()), secret, t.allowUsers());
        }
        RemoteTunnel.Policies p = t.policies();
        if (p == null && t.group() != null) {
            p = new RemoteTunnel.Policies(List.of(), List.of(), null, 0, 0);
        }
        if (p == null) {
            return new TunnelConfig(t.name(), t.type(), host, port, remotePort, t.subdomain(), domains, null, user,
                    password, tlsTermination, TunnelPolicy.NONE, null, healthCheck(t.healthCheck()));
        }
        // the node takes the IP lists, limits and group from the control plane too; the agent sends them for older
        // nodes. A member's group key is the stored hash of the key: the same for every member, and not the key.
        TunnelPolicy policy = new TunnelPolicy(p.allowIps(), p.denyIps(), p.bandwidthLimit(), p.maxConnections(),
                t.group(), t.group() == null ? null : t.groupKeyHash());
        return new TunnelConfig(t.name(), t.type(), host, port, remotePort, t.subdomain(), domains, null, user,
                password, tlsTermination, policy,
                p.proxyProtocol() == null ? null : ProxyProtocol.parse(p.proxyProtocol()),
                healthCheck(t.healthCheck()));
    }

    /** The agent's form of a stored health check; the control plane sets every field (older ones send none). */
    private static HealthCheckConfig healthCheck(RemoteTunnel.HealthCheck h) {
        if (h == null || h.type() == null) {
            return null;
        }
        int interval = h.intervalSeconds() == null ? 10 : h.intervalSeconds();
        return new HealthCheckConfig(h.type(), h.path() == null ? "/" : h.path(),
                h.expectStatus() == null ? 200 : h.expectStatus(), Duration.ofSeconds(interval),
                Duration.ofSeconds(Math.min(interval, h.timeoutSeconds() == null ? 3 : h.timeoutSeconds())),
                h.failureThreshold() == null ? 3 : h.failureThreshold());
    }
}
