package dev.flux.node.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flux.node.tunnel.AgentGate;
import dev.flux.node.tunnel.AgentIdentity;
import dev.flux.node.tunnel.AgentSession;
import dev.flux.node.tunnel.LoginRefusedException;
import dev.flux.node.tunnel.Tunnel;
import dev.flux.node.tunnel.TunnelGrant;
import dev.flux.node.tunnel.TunnelRegistry;
import dev.flux.node.tunnel.TunnelRejectedException;
import dev.flux.protocol.auth.Tokens;
import dev.flux.protocol.control.RegisterTunnel;
import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.tls.NodeCertificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node in control-plane mode: registers with the control plane (again whenever it was lost), sends heartbeats
 * with the tunnels' traffic, asks it who may log in and which tunnels they get, reports tunnels online and
 * offline, and follows its event feed to close what was revoked, disabled, deleted or kicked.
 *
 * <p>Running tunnels never depend on the control plane being up. Successful token checks and tunnel grants are
 * remembered, so that an agent the node knows can reconnect during an outage; an unknown token then gets a
 * retryable refusal, never "token rejected".
 */
public final class ControlPlaneLink implements AgentGate, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlPlaneLink.class);
    static final Duration EVENT_WAIT = Duration.ofSeconds(25);
    static final long MAX_RETRY_MILLIS = 10_000;

    /** What the node tells the control plane about itself when it registers. */
    public record NodeInfo(String tunnelHost, int tunnelPort, Integer httpPort, Integer httpsPort,
                           String subdomainHost, String fingerprint, String version) {
    }

    private record Verified(AgentIdentity identity, Instant expiresAt) {
    }

    private final ControlPlaneClient client;
    private volatile TunnelRegistry registry = new TunnelRegistry();
    private final Clock clock;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flux-control-plane");
        t.setDaemon(true);
        return t;
    });
    /** Successful verifications by token hash, until revoked or expired. */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();
    /** The last grant per user and tunnel name ({@code userId/name}). */
    private final Map<String, JsonNode> grants = new ConcurrentHashMap<>();
    private final TrafficReports traffic = new TrafficReports();
    private volatile NodeInfo info;
    private volatile boolean registered;
    private volatile boolean closed;
    private volatile CertificateSink certificateSink;
    private volatile int heartbeatSeconds = 5;
    private volatile String nodeName;
    private long retryMillis = 1000;
    /** The next registration attempt; only touched on the scheduler's thread. */
    private ScheduledFuture<?> retry;
    private Thread eventThread;

    public ControlPlaneLink(ControlPlaneClient client) {
        this.client = client;
        this.clock = Clock.systemUTC();
    }

    /**
     * Registers (retrying until the control plane answers) and starts following its events.
     *
     * @param tunnels the node's live tunnels and agent sessions
     */
    public synchronized void start(NodeInfo nodeInfo, TunnelRegistry tunnels) {
        this.info = nodeInfo;
        this.registry = tunnels;
        scheduler.execute(this::register);
        scheduler.schedule(this::heartbeat, heartbeatSeconds, TimeUnit.SECONDS);
        eventThread = new Thread(this::followEvents, "flux-control-plane-events");
        eventThread.setDaemon(true);
        eventThread.start();
    }

    /** Whether the node is registered with a reachable control plane right now. */
    public boolean registered() {
        return registered;
    }

    private void register() {
        if (closed || registered) {
            return;
        }
        NodeInfo i = info;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tunnelHost", i.tunnelHost());
        body.put("tunnelPort", i.tunnelPort());
        body.put("httpPort", i.httpPort());
        body.put("httpsPort", i.httpsPort());
        body.put("subdomainHost", i.subdomainHost());
        body.put("fingerprint", i.fingerprint());
        body.put("version", i.version());
        try {
            JsonNode answer = client.post("register", body).join();
            nodeName = answer.path("name").asText();
            int seconds = answer.path("heartbeatSeconds").asInt(5);
            heartbeatSeconds = seconds > 0 ? seconds : 5;
            registered = true;
            retryMillis = 1000;
            log.info("registered with control plane {} as node '{}'", client.base(), nodeName);
            reportLiveTunnels();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ControlPlaneException refused) {
                log.error("control plane {} refused to register this node: {} ({}); check [controlPlane] in"
                        + " node.toml; trying again in {} s", client.base(), refused.getMessage(), refused.error(),
                        retryMillis / 1000);
            } else {
                log.warn("cannot register with the control plane: {}; trying again in {} s (running tunnels keep"
                        + " serving)", cause.getMessage(), retryMillis / 1000);
            }
            if (!closed) {
                retry = scheduler.schedule(this::register, retryMillis, TimeUnit.MILLISECONDS);
            }
            retryMillis = Math.min(retryMillis * 2, MAX_RETRY_MILLIS);
        }
    }

    /** The control plane answered something: if the node is not registered, try now rather than at the next retry. */
    private void answered() {
        if (!registered && !closed) {
            scheduler.execute(() -> {
                if (!registered) {
                    if (retry != null) {
                        retry.cancel(false);
                    }
                    retryMillis = 1000;
                    register();
                }
            });
        }
    }

    /** After (re)registering: the control plane marked this node's tunnels offline; these are online. */
    private void reportLiveTunnels() {
        for (Tunnel t : registry.tunnels()) {
            if (t.controlPlaneId() != null) {
                tunnelOnline(t);
            }
        }
    }

    /** Sends one heartbeat (when registered) and schedules the next, every {@code heartbeatSeconds}. */
    private void heartbeat() {
        if (closed) {
            return;
        }
        try {
            if (registered) {
                sendHeartbeat();
            }
        } catch (RuntimeException e) {
            log.warn("heartbeat failed: {}", e.toString());
        } finally {
            if (!closed) {
                scheduler.schedule(this::heartbeat, heartbeatSeconds, TimeUnit.SECONDS);
            }
        }
    }

    private void sendHeartbeat() {
        TrafficReports.Batch batch = traffic.collect(registry.tunnels());
        try {
            client.post("heartbeat", Map.of("tunnels", batch.tunnels())).join();
        } catch (CompletionException e) {
            traffic.undelivered(batch); // the next heartbeat that gets through reports them
            registered = false;
            log.warn("lost the control plane: {}; running tunnels keep serving, and the node registers again when"
                    + " it is back", e.getCause().getMessage());
            scheduler.execute(this::register);
        }
    }

    private void followEvents() {
        Long after = null;
        long backoff = 500;
        while (!closed) {
            try {
                if (after == null) {
                    after = client.get("events", Duration.ZERO).join().path("seq").asLong();
                    answered();
                    continue;
                }
                JsonNode batch = client.get("events?after=" + after + "&waitSeconds=" + EVENT_WAIT.toSeconds(),
                        EVENT_WAIT).join();
                answered();
                for (JsonNode event : batch.path("events")) {
                    handle(event);
                }
                after = Math.max(after, batch.path("seq").asLong(after));
                backoff = 500;
            } catch (CompletionException | IllegalStateException e) {
                if (closed) {
                    return;
                }
                log.debug("event feed: {}", e.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(backoff * 2, 5000);
            }
        }
    }

    /** Acts on one event of the control plane's feed. */
    void handle(JsonNode event) {
        String kind = event.path("kind").asText();
        Long tokenId = event.hasNonNull("tokenId") ? event.path("tokenId").asLong() : null;
        Long userId = event.hasNonNull("userId") ? event.path("userId").asLong() : null;
        Long tunnelId = event.hasNonNull("tunnelId") ? event.path("tunnelId").asLong() : null;
        switch (kind) {
            case "token_revoked" -> {
                verified.values().removeIf(v -> Objects.equals(v.identity().tokenId(), tokenId));
                for (AgentSession s : registry.sessions()) {
                    AgentIdentity who = s.token();
                    if (who != null && Objects.equals(who.tokenId(), tokenId)) {
                        log.info("closed agent session of token {}: token revoked", tokenId);
                        s.endLogin("the token was revoked in the control plane; log in again (fluxctl login)");
                    }
                }
            }
            case "user_disabled" -> {
                verified.values().removeIf(v -> Objects.equals(v.identity().userId(), userId));
                grants.keySet().removeIf(k -> k.startsWith(userId + "/"));
                for (AgentSession s : registry.sessions()) {
                    AgentIdentity who = s.token();
                    if (who != null && Objects.equals(who.userId(), userId)) {
                        log.info("closed agent session of user {} (token {}): account disabled", userId,
                                who.tokenId());
                        s.endLogin("your account was disabled in the control plane");
                    }
                }
            }
            case "tunnel_disabled", "tunnel_deleted", "tunnel_kicked" -> {
                if (tunnelId == null) {
                    return;
                }
                if (!kind.equals("tunnel_kicked")) {
                    grants.values().removeIf(g -> g.path("tunnelId").asLong() == tunnelId);
                }
                for (Tunnel t : registry.tunnels()) {
                    if (tunnelId.equals(t.controlPlaneId())) {
                        String reason = switch (kind) {
                            case "tunnel_disabled" -> "tunnel '" + t.name() + "' was disabled in the control plane;"
                                    + " enable it with `fluxctl tunnel enable " + t.name() + "`";
                            case "tunnel_deleted" -> "tunnel '" + t.name() + "' was deleted in the control plane";
                            default -> "tunnel '" + t.name() + "' was kicked in the control plane";
                        };
                        log.info("closed tunnel {} (id {}): {}", t.name(), tunnelId, kind.substring(7));
                        t.session().closeTunnel(tunnelId, reason);
                    }
                }
            }
            default -> log.debug("ignoring event {} of kind {}", event.path("seq"), kind);
        }
    }

    @Override
    public CompletableFuture<AgentIdentity> login(String token) {
        String hash = Tokens.hash(token == null ? "" : token);
        return client.post("agents/verify", Map.of("token", token == null ? "" : token)).handle((answer, failure) -> {
            if (failure == null) {
                Instant expiresAt = answer.hasNonNull("expiresAt") ? Instant.parse(answer.path("expiresAt").asText())
                        : null;
                AgentIdentity identity = new AgentIdentity(answer.path("username").asText() + " (token "
                        + answer.path("tokenId").asLong() + ")", 0, 0, answer.path("userId").asLong(),
                        answer.path("tokenId").asLong(), answer.path("username").asText());
                verified.put(hash, new Verified(identity, expiresAt));
                answered();
                return identity;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ControlPlaneException refused) {
                verified.remove(hash);
                throw new CompletionException(new LoginRefusedException(refused.getMessage(), false));
            }
            Verified known = verified.get(hash);
            if (known != null && (known.expiresAt() == null || clock.instant().isBefore(known.expiresAt()))) {
                log.info("{}; accepting token {} verified earlier", cause.getMessage(), known.identity().tokenId());
                return known.identity();
            }
            throw new CompletionException(new LoginRefusedException(
                    "control plane unreachable; the node cannot check the token now, try again shortly", true));
        });
    }

    @Override
    public CompletableFuture<TunnelGrant> authorize(AgentIdentity agent, RegisterTunnel r) {
        if (r.customDomains().size() > 1) {
            return CompletableFuture.failedFuture(new TunnelRejectedException("tunnel '" + r.name() + "' names "
                    + r.customDomains().size() + " custom domains; with a control plane a tunnel has one", false));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", agent.userId());
        body.put("tokenId", agent.tokenId());
        body.put("name", r.name());
        body.put("type", r.tunnelType());
        body.put("localTarget", r.localAddress());
        body.put("subdomain", r.subdomain() == null || r.subdomain().isBlank() ? null : r.subdomain());
        body.put("customDomain", r.customDomains().isEmpty() ? null : r.customDomains().get(0));
        body.put("remotePort", r.remotePort() == 0 ? null : r.remotePort());
        body.put("tlsTermination", r.tlsTermination());
        body.put("allowUsers", r.allowUsers().isEmpty() ? null : r.allowUsers());
        body.put("group", r.policy().group());
        body.put("groupKey", r.policy().groupKey());
        String key = agent.userId() + "/" + r.name();
        return client.post("tunnels/authorize", body).handle((answer, failure) -> {
            if (failure == null) {
                grants.put(key, answer);
                installCertificate(r.name(), answer);
                return grant(r, answer);
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof ControlPlaneException refused) {
                grants.remove(key);
                throw new CompletionException(new TunnelRejectedException(refused.getMessage(), false));
            }
            JsonNode known = grants.get(key);
            if (known != null) {
                log.info("[{}] {}; serving the tunnel as the control plane granted it before", r.name(),
                        cause.getMessage());
                return grant(r, known);
            }
            throw new CompletionException(new TunnelRejectedException(
                    "control plane unreachable; the node cannot check the tunnel now and will when it is back",
                    true));
        });
    }

    /**
     * Where certificates the control plane hands over go (the node's HTTPS certificates): an https tunnel the node
     * terminates on a custom domain comes with the certificate its owner uploaded.
     */
    public void onCertificate(CertificateSink sink) {
        this.certificateSink = sink;
    }

    /** Takes a domain's certificate for the HTTPS vhost. */
    @FunctionalInterface
    public interface CertificateSink {
        void add(String domain, NodeCertificate certificate) throws java.io.IOException;
    }

    /** Installs the certificate that came with a grant, if any; a bad one is logged (the tunnel is then refused). */
    private void installCertificate(String tunnel, JsonNode answer) {
        JsonNode c = answer.path("certificate");
        CertificateSink sink = certificateSink;
        if (!c.isObject() || sink == null) {
            return;
        }
        String domain = c.path("domain").asText();
        try {
            sink.add(domain, NodeCertificate.parse(c.path("chainPem").asText(), c.path("keyPem").asText()));
            log.info("[{}] using the certificate uploaded for {}", tunnel, domain);
        } catch (java.io.IOException | RuntimeException e) {
            log.warn("[{}] the certificate uploaded for {} cannot be used: {}", tunnel, domain, e.getMessage());
        }
    }

    /** The registration as the control plane granted it: its subdomain, domain, port and password win. */
    private static TunnelGrant grant(RegisterTunnel r, JsonNode answer) {
        String subdomain = answer.hasNonNull("subdomain") ? answer.path("subdomain").asText() : null;
        List<String> domains = answer.hasNonNull("customDomain") ? List.of(answer.path("customDomain").asText())
                : List.of();
        int port = answer.hasNonNull("remotePort") ? answer.path("remotePort").asInt() : r.remotePort();
        String user = r.httpUser();
        String password = r.httpPassword();
        if (answer.hasNonNull("basicAuth")) {
            String basicAuth = answer.path("basicAuth").asText();
            int colon = basicAuth.indexOf(':');
            user = basicAuth.substring(0, colon);
            password = basicAuth.substring(colon + 1);
        }
        String tlsTermination = answer.hasNonNull("tlsTermination") ? answer.path("tlsTermination").asText()
                : r.tlsTermination();
        // who may visit a secret tunnel: the control plane's list wins (an older one sends none)
        List<String> allowUsers = r.allowUsers();
        if (answer.path("allowUsers").isArray()) {
            List<String> stored = new ArrayList<>();
            answer.path("allowUsers").forEach(n -> stored.add(n.asText()));
            allowUsers = stored;
        }
        RegisterTunnel granted = new RegisterTunnel(r.name(), r.tunnelType(), r.localAddress(), port, subdomain,
                domains, r.hostHeaderRewrite(), user, password, tlsTermination,
                group(policy(r.policy(), answer.path("policies")), answer), allowUsers);
        return new TunnelGrant(granted, answer.path("tunnelId").asLong());
    }

    /**
     * The policy a node enforces on a tunnel the control plane granted: its IP lists and limits, where it sends
     * them (an older control plane does not), and the agent's load-balancing group.
     */
    static TunnelPolicy policy(TunnelPolicy asked, JsonNode stored) {
        if (!stored.isObject()) {
            return asked;
        }
        List<String> allow = new ArrayList<>();
        stored.path("allowIps").forEach(n -> allow.add(n.asText()));
        List<String> deny = new ArrayList<>();
        stored.path("denyIps").forEach(n -> deny.add(n.asText()));
        return new TunnelPolicy(allow, deny, stored.path("bandwidthLimit").asLong(0),
                stored.path("maxConnections").asInt(0), asked.group(), asked.groupKey());
    }

    /**
     * The stored load-balancing group wins over the agent's: its members all come with the key's hash the control
     * plane checked them against, which is what the node compares (an older control plane sends none).
     */
    static TunnelPolicy group(TunnelPolicy policy, JsonNode answer) {
        if (!answer.hasNonNull("group") || !answer.hasNonNull("groupKeyHash")) {
            return policy;
        }
        return new TunnelPolicy(policy.allowIps(), policy.denyIps(), policy.bandwidthLimit(), policy.maxConnections(),
                answer.path("group").asText(), answer.path("groupKeyHash").asText());
    }

    @Override
    public void tunnelOnline(Tunnel tunnel) {
        if (tunnel.controlPlaneId() != null) {
            traffic.online(tunnel);
            reportState(tunnel, "online");
        }
    }

    @Override
    public void tunnelOffline(Tunnel tunnel) {
        Long id = tunnel.controlPlaneId();
        if (id == null) {
            return;
        }
        traffic.offline(tunnel, id);
        reportState(tunnel, "offline");
    }

    private void reportState(Tunnel tunnel, String state) {
        if (!registered) {
            return; // registering again reports every live tunnel
        }
        client.post("tunnels/" + tunnel.controlPlaneId() + "/state", Map.of("state", state))
                .exceptionally(failure -> {
                    log.debug("[{}] could not report {}: {}", tunnel.name(), state, failure.getMessage());
                    return null;
                });
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        if (eventThread != null) {
            eventThread.interrupt();
        }
    }
}
