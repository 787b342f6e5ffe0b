package dev.flux.controlplane.nodeapi;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.certificate.CertificateRepository;
import dev.flux.controlplane.node.ChangeSignal;
import dev.flux.controlplane.node.Node;
import dev.flux.controlplane.node.NodeEvent;
import dev.flux.controlplane.node.NodeEvents;
import dev.flux.controlplane.node.NodeRepository;
import dev.flux.controlplane.reservation.ReservationKind;
import dev.flux.controlplane.security.Scope;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.token.TokenGrant;
import dev.flux.controlplane.tunnel.NewTunnel;
import dev.flux.controlplane.tunnel.Tunnel;
import dev.flux.controlplane.tunnel.TunnelCatalog;
import dev.flux.controlplane.tunnel.TunnelPolicies;
import dev.flux.controlplane.tunnel.TunnelRepository;
import dev.flux.controlplane.tunnel.TunnelType;
import dev.flux.protocol.auth.Tokens;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /node-api/v1}: what gateway nodes ask the control plane. A node registers when it starts, sends a heartbeat
 * with its tunnels' traffic every few seconds, checks the tokens agents log in with and the tunnels they ask for,
 * reports tunnels online and offline, and long-polls the event feed to close what was revoked, disabled or deleted.
 */
@RestController
@RequestMapping("/node-api/v1")
class NodeApiController {

    private static final Logger log = LoggerFactory.getLogger(NodeApiController.class);
    static final int MAX_WAIT_SECONDS = 60;
    /** How long the event feed keeps events; nodes are never away that long without registering again. */
    static final int EVENT_RETENTION_DAYS = 7;
    private static final int MAX_EVENTS = 500;

    private final NodeRepository nodes;
    private final ApiTokenRepository tokens;
    private final TunnelRepository tunnels;
    private final TunnelCatalog catalog;
    private final NodeEvents events;
    private final ChangeSignal signal;
    private final CertificateRepository certificates;
    private final Clock clock = Clock.systemUTC();

    NodeApiController(NodeRepository nodes, ApiTokenRepository tokens, TunnelRepository tunnels,
                      TunnelCatalog catalog, NodeEvents events, ChangeSignal signal,
                      CertificateRepository certificates) {
        this.certificates = certificates;
        this.nodes = nodes;
        this.tokens = tokens;
        this.tunnels = tunnels;
        this.catalog = catalog;
        this.events = events;
        this.signal = signal;
    }

    record Registration(@NotBlank @Size(max = 255) String tunnelHost,
                        @NotNull @Min(1) @Max(65535) Integer tunnelPort,
                        @Nullable @Min(1) @Max(65535) Integer httpPort,
                        @Nullable @Min(1) @Max(65535) Integer httpsPort,
                        @Nullable @Size(max = 255) String subdomainHost,
                        @NotBlank @Size(max = 200) String fingerprint,
                        @NotBlank @Size(max = 100) String version) {
    }

    record Registered(long nodeId, String name, int heartbeatSeconds) {
    }

    @PostMapping("/register")
    @Transactional
    Registered register(@Valid @RequestBody Registration r, @AuthenticationPrincipal NodePrincipal node) {
        nodes.register(node.nodeId(), r.tunnelHost(), r.tunnelPort(), r.httpPort(), r.httpsPort(),
                r.subdomainHost(), r.fingerprint(), r.version());
        events.prune(EVENT_RETENTION_DAYS);
        log.info("node '{}' registered: agents connect to {}:{} (version {})", node.name(), r.tunnelHost(),
                r.tunnelPort(), r.version());
        return new Registered(node.nodeId(), node.name(), Node.HEARTBEAT_SECONDS);
    }

    /** Counts since the previous heartbeat. */
    record TunnelTraffic(long tunnelId, @Min(0) long bytesIn, @Min(0) long bytesOut, @Min(0) long connections,
                         @Min(0) long activeConnections) {
    }

    record Heartbeat(@Nullable List<@Valid TunnelTraffic> tunnels) {
    }

    @PostMapping("/heartbeat")
    @Transactional
    Map<String, Object> heartbeat(@Valid @RequestBody Heartbeat heartbeat, @AuthenticationPrincipal NodePrincipal node) {
        nodes.heartbeat(node.nodeId());
        for (TunnelTraffic t : Objects.requireNonNullElse(heartbeat.tunnels(), List.<TunnelTraffic>of())) {
            tunnels.addTraffic(node.nodeId(), t.tunnelId(), t.bytesIn(), t.bytesOut(), t.connections());
        }
        return Map.of("ok", true);
    }

    record TokenCheck(@NotBlank String token) {
        @Override
        public String toString() {
            return "TokenCheck[token=<redacted>]";
        }
    }

    @JsonInclude(JsonInclude.Include.ALWAYS)
    record AgentIdentity(long userId, String username, long tokenId, @Nullable Instant expiresAt) {
    }

    /** Whether an agent's token lets it log in: known, not revoked or expired, of an enabled account, scoped. */
    @PostMapping("/agents/verify")
    AgentIdentity verify(@Valid @RequestBody TokenCheck check) {
        String secret = check.token().trim();
        TokenGrant grant = (secret.startsWith(Tokens.PREFIX) ? tokens.findGrant(Tokens.hash(secret))
                : Optional.<TokenGrant>empty())
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "token_unknown",
                        "the token is not known to the control plane; create one with `fluxctl login`"));
        checkUsable(grant);
        tokens.touch(grant.tokenId());
        return new AgentIdentity(grant.userId(), grant.username(), grant.tokenId(), grant.expiresAt());
    }

    private void checkUsable(TokenGrant grant) {
        if (grant.revokedAt() != null) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "token_revoked",
                    "token '" + grant.tokenName() + "' was revoked at " + grant.revokedAt());
        }
        if (grant.expiresAt() != null && !clock.instant().isBefore(grant.expiresAt())) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "token_expired",
                    "token '" + grant.tokenName() + "' expired at " + grant.expiresAt());
        }
        if (grant.userDisabled()) {
            throw ApiException.forbidden("user_disabled", "the account '" + grant.username() + "' is disabled");
        }
        if (!grant.scopes().contains(Scope.TUNNELS.id())) {
            throw ApiException.forbidden("scope_missing", "token '" + grant.tokenName()
                    + "' lacks the 'tunnels' scope that agents need");
        }
    }

    record TunnelRequest(long userId, long tokenId, @NotBlank String name, @NotBlank String type,
                         @NotBlank @Size(max = 255) String localTarget, @Nullable String subdomain,
                         @Nullable String customDomain, @Nullable Integer remotePort,
                         @Nullable String tlsTermination, @Nullable List<String> allowUsers,
                         @Nullable String group, @Nullable @Size(max = 255) String groupKey) {
        @Override
        public String toString() {
            return "TunnelRequest[userId=" + userId + ", name=" + name + ", type=" + type + ", group=" + group + "]";
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record AuthorizedTunnel(long tunnelId, @Nullable String subdomain, @Nullable String customDomain,
                            @Nullable Integer remotePort, @Nullable String basicAuth,
                            @Nullable String tlsTermination, TunnelPolicies policies, List<String> allowUsers,
                            CertificateRepository.@Nullable Pem certificate, @Nullable String group,
                            @Nullable String groupKeyHash) {
        @Override
        public String toString() {
            return "AuthorizedTunnel[tunnelId=" + tunnelId + "]";
        }
    }

    /**
     * The tunnel an agent asks a node to serve: the user's tunnel of that name, created (quotas, reservations and
     * all, like {@code POST /api/v1/tunnels}) when the user has none. A disabled tunnel, or one that differs from
     * what the agent asks for, is refused with a message that says what to do.
     */
    @PostMapping("/tunnels/authorize")
    @Transactional
    AuthorizedTunnel authorize(@Valid @RequestBody TunnelRequest r, @AuthenticationPrincipal NodePrincipal node) {
        TokenGrant grant = tokens.findGrantById(r.tokenId())
                .filter(t -> t.userId() == r.userId())
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "token_unknown",
                        "token " + r.tokenId() + " of user " + r.userId() + " does not exist"));
        checkUsable(grant);
        TunnelType type = TunnelType.of(r.type());
        Optional<Tunnel> existing = tunnels.findByName(r.userId(), r.name());
        Tunnel tunnel;
        if (existing.isPresent()) {
            tunnel = existing.get();
            checkMatches(tunnel, type, r, node);
            tunnels.setLocalTarget(tunnel.id(), r.localTarget().trim());
        } else {
            tunnel = catalog.create(r.userId(), new NewTunnel(r.name(), type, r.localTarget(), r.subdomain(),
                    r.customDomain(), r.remotePort(), null, null, r.tlsTermination(), null, null, null, null, null,
                    r.allowUsers(), null, r.group(), r.groupKey()));
            log.info("node '{}' created tunnel {}/{} for an agent", node.name(), tunnel.username(), tunnel.name());
        }
        // an https tunnel the node terminates on a custom domain gets the certificate its owner uploaded, if any
        CertificateRepository.Pem certificate = tunnel.type() == TunnelType.HTTPS
                && "node".equals(tunnel.tlsTermination()) && tunnel.customDomain() != null
                ? certificates.pemFor(tunnel.customDomain()).orElse(null) : null;
        return new AuthorizedTunnel(tunnel.id(), tunnel.subdomain(), tunnel.customDomain(), tunnel.remotePort(),
                tunnel.basicAuth(), tunnel.tlsTermination(), tunnel.policies(), tunnel.allowUsers(), certificate,
                tunnel.group(), tunnel.groupKeyHash());
    }

    private static void checkMatches(Tunnel tunnel, TunnelType type, TunnelRequest r, NodePrincipal node) {
        String name = tunnel.name();
        if (!tunnel.enabled()) {
            throw ApiException.conflict("tunnel_disabled", "tunnel '" + name + "' is disabled; enable it with"
                    + " `fluxctl tunnel enable " + name + "`");
        }
        String fix = "; change your agent's settings, or delete the tunnel with `fluxctl tunnel rm " + name + "`";
        if (tunnel.type() != type) {
            throw ApiException.conflict("tunnel_mismatch", "tunnel '" + name + "' is a " + tunnel.type().id()
                    + " tunnel, not " + type.id() + fix);
        }
        if (r.subdomain() != null && !ReservationKind.SUBDOMAIN.normalize(r.subdomain()).equals(tunnel.subdomain())) {
            throw ApiException.conflict("tunnel_mismatch", "tunnel '" + name + "' has "
                    + (tunnel.subdomain() == null ? "no subdomain" : "subdomain '" + tunnel.subdomain() + "'")
                    + ", not '" + r.subdomain() + "'" + fix);
        }
        if (r.customDomain() != null
                && !ReservationKind.DOMAIN.normalize(r.customDomain()).equals(tunnel.customDomain())) {
            throw ApiException.conflict("tunnel_mismatch", "tunnel '" + name + "' has "
                    + (tunnel.customDomain() == null ? "no custom domain" : "domain '" + tunnel.customDomain() + "'")
                    + ", not '" + r.customDomain() + "'" + fix);
        }
        if (r.remotePort() != null && r.remotePort() != 0 && !r.remotePort().equals(tunnel.remotePort())) {
            throw ApiException.conflict("tunnel_mismatch", "tunnel '" + name + "' has remote port "
                    + tunnel.remotePort() + ", not " + r.remotePort() + fix);
        }
        String termination = tunnel.tlsTermination() == null ? "passthrough" : tunnel.tlsTermination();
        if (type == TunnelType.HTTPS && r.tlsTermination() != null && !r.tlsTermination().equals(termination)) {
            throw ApiException.conflict("tunnel_mismatch", "tunnel '" + name + "' has TLS terminated by "
                    + ("node".equals(termination) ? "the node" : "the local service (passthrough)")
                    + ", not tlsTermination '" + r.tlsTermination() + "'" + fix);
        }
        if (r.group() != null && !r.group().equals(tunnel.group())) {
            throw ApiException.conflict("tunnel_mismatch", "tunnel '" + name + "' is "
                    + (tunnel.group() == null ? "in no group" : "in group '" + tunnel.group() + "'") + ", not in group '"
                    + r.group() + "'" + fix);
        }
        if (tunnel.node() != null && !tunnel.node().equals(node.name())) {
            throw ApiException.conflict("wrong_node", "tunnel '" + name + "' is bound to node '" + tunnel.node()
                    + "', not '" + node.name() + "'; connect the agent to that node");
        }
    }

    record StateChange(@NotBlank String state) {
    }

    @PostMapping("/tunnels/{id}/state")
    @Transactional
    Map<String, Object> state(@PathVariable long id, @Valid @RequestBody StateChange change,
                              @AuthenticationPrincipal NodePrincipal node) {
        tunnels.findById(id).orElseThrow(() -> ApiException.notFound("tunnel " + id));
        switch (change.state()) {
            case "online" -> tunnels.markOnline(id, node.nodeId());
            case "offline" -> tunnels.markOffline(id, node.nodeId());
            default -> throw ApiException.badRequest("state: '" + change.state()
                    + "' (expected: online or offline)");
        }
        return Map.of("ok", true);
    }

    /** @param seq pass it as {@code after} in the next request */
    record EventBatch(long seq, List<NodeEvent> events) {
    }

    /**
     * The event feed, a long-poll: events after {@code after} at once when there are any, else the first that
     * comes within {@code waitSeconds}; without {@code after}, the current position and no events.
     */
    @GetMapping("/events")
    EventBatch events(@RequestParam(required = false) @Nullable Long after,
                      @RequestParam(defaultValue = "25") int waitSeconds) {
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw ApiException.badRequest("waitSeconds: " + waitSeconds + " (expected: 0.." + MAX_WAIT_SECONDS + ")");
        }
        if (after == null) {
            return new EventBatch(events.currentSeq(), List.of());
        }
        long deadline = System.nanoTime() + waitSeconds * 1_000_000_000L;
        while (true) {
            long seen = signal.generation();
            List<NodeEvent> batch = events.after(after, MAX_EVENTS);
            if (!batch.isEmpty()) {
                return new EventBatch(batch.get(batch.size() - 1).seq(), batch);
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0 || !signal.await(seen, left)) {
                return new EventBatch(after, List.of());
            }
        }
    }
}
