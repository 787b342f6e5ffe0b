package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.db.UniqueViolations;
import dev.flux.controlplane.node.NodeDirectory;
import dev.flux.controlplane.node.NodeScope;
import dev.flux.controlplane.reservation.AddressClaims;
import dev.flux.controlplane.reservation.ReservationKind;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import java.security.SecureRandom;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates tunnels: checks the request against the tunnel's type, the user's tunnel quota (under a lock on the
 * user's row, so concurrent requests cannot overshoot it), and claims its subdomain, domain or port through
 * {@link AddressClaims}.
 */
@Component
public class TunnelCatalog {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** A user name, as {@code /api/v1/users} accepts them. */
    private static final Pattern USER_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    private static final String LABEL_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
    /** {@code tlsTermination} of an https tunnel whose local service terminates TLS (the default). */
    static final String TLS_PASSTHROUGH = "passthrough";
    /** {@code tlsTermination} of an https tunnel whose node terminates TLS. */
    static final String TLS_NODE = "node";

    private final TunnelRepository tunnels;
    private final UserRepository users;
    private final AddressClaims claims;
    private final NodeDirectory nodes;
    private final TunnelGroups groups;

    TunnelCatalog(TunnelRepository tunnels, UserRepository users, AddressClaims claims, NodeDirectory nodes,
                  TunnelGroups groups) {
        this.groups = groups;
        this.tunnels = tunnels;
        this.users = users;
        this.claims = claims;
        this.nodes = nodes;
    }

    /**
     * Creates a tunnel for a user: the one code path of the REST API and of nodes creating the tunnel an agent
     * asks for.
     *
     * @throws ApiException for a request that breaks a rule (the message says which)
     */
    @Transactional
    public Tunnel create(long userId, NewTunnel request) {
        TunnelType type = request.type();
        TunnelGroups.check(request);
        NodeScope scope = nodes.resolve(request.node());
        // a member joining a group takes the group's address and node; the founder claims them as usual
        Optional<TunnelGroups.Membership> membership = groups.enter(request, scope);
        TunnelGroupRepository.@Nullable Address shared = membership.map(TunnelGroups.Membership::shared).orElse(null);
        @Nullable String subdomain = shared == null ? request.subdomain() : shared.subdomain();
        @Nullable String domain = shared == null ? request.customDomain() : shared.customDomain();
        @Nullable Integer remotePort = shared == null ? request.remotePort() : shared.remotePort();
        if (shared != null) {
            scope = nodes.resolve(shared.nodeName());
        }
        List<String> allowUsers = allowUsers(request);
        if (type.secret()) {
            checkSecret(request);
        } else if (type.byHostName()) {
            if (request.remotePort() != null) {
                throw ApiException.badRequest("remotePort: " + type.id() + " tunnels are reached by host name; omit it");
            }
            if (subdomain == null && domain == null) {
                subdomain = randomLabel();
            }
        } else if (request.subdomain() != null || request.customDomain() != null) {
            throw ApiException.badRequest("subdomain/customDomain: " + type.id() + " tunnels are reached by port; omit them");
        } else if (request.basicAuth() != null) {
            throw ApiException.badRequest("basicAuth: only http and https tunnels can ask visitors for a password");
        }
        checkBasicAuth(request.basicAuth());
        String tlsTermination = tlsTermination(request);
        TunnelPolicies policies = TunnelPolicies.of(request);
        HealthCheck healthCheck = request.healthCheck() == null ? null : request.healthCheck().checked();
        subdomain = subdomain == null ? null : ReservationKind.SUBDOMAIN.normalize(subdomain);
        domain = domain == null ? null : ReservationKind.DOMAIN.normalize(domain);

        User user = users.lock(userId).orElseThrow(() -> ApiException.notFound("user " + userId));
        if (tunnels.countByUser(userId) >= user.maxTunnels()) {
            throw ApiException.unprocessable("quota_exceeded", "quota of " + user.maxTunnels()
                    + (user.maxTunnels() == 1 ? " tunnel" : " tunnels") + " reached");
        }
        long id = insert(userId, request, subdomain, domain, remotePort, scope, tlsTermination,
                membership.map(TunnelGroups.Membership::groupId).orElse(null));
        if (!policies.equals(TunnelPolicies.NONE)) {
            tunnels.setPolicies(id, policies);
        }
        if (!allowUsers.isEmpty()) {
            tunnels.setAllowUsers(id, allowUsers);
        }
        if (healthCheck != null) {
            tunnels.setHealthCheck(id, healthCheck);
        }
        if (shared != null) {
            // a joining member uses the address its group holds: no claim, and no port counted against its owner
            tunnels.bumpVersion(userId);
            return tunnels.findById(id).orElseThrow();
        }
        if (subdomain != null) {
            claims.claimForTunnel(userId, ReservationKind.SUBDOMAIN, subdomain, scope, id);
        }
        if (domain != null) {
            claims.claimForTunnel(userId, ReservationKind.DOMAIN, domain, scope, id);
        }
        ReservationKind portKind = type.portKind();
        if (portKind != null) {
            if (remotePort == null) {
                tunnels.setRemotePort(id, claims.allocatePortForTunnel(userId, portKind, scope, id));
            } else {
                claims.claimForTunnel(userId, portKind, remotePort.toString(), scope, id);
            }
        }
        tunnels.bumpVersion(userId);
        return tunnels.findById(id).orElseThrow();
    }

    /**
     * A secret tunnel (stcp, sudp, xtcp) has no public address: no subdomain, domain, port, password or TLS setting,
     * and no IP lists (its visitors come through the node as users, chosen with allowUsers).
     */
    private static void checkSecret(NewTunnel request) {
        String type = request.type().id();
        String field = request.subdomain() != null ? "subdomain" : request.customDomain() != null ? "customDomain"
                : request.remotePort() != null ? "remotePort" : null;
        if (field != null) {
            throw ApiException.badRequest(field + ": " + type + " tunnels have no public address; visitors reach "
                    + "them with `fluxctl visit OWNER/NAME --secret SECRET`; omit it");
        }
        if (request.basicAuth() != null) {
            throw ApiException.badRequest("basicAuth: only http and https tunnels can ask visitors for a password; "
                    + type + " visitors prove they hold the tunnel's secret");
        }
        if (notEmpty(request.allowIps()) || notEmpty(request.denyIps())) {
            throw ApiException.badRequest((notEmpty(request.allowIps()) ? "allowIps" : "denyIps") + ": " + type
                    + " tunnels are visited through the node by signed-in users, not from public addresses; choose "
                    + "who may visit with allowUsers");
        }
    }

    private static boolean notEmpty(@Nullable List<String> list) {
        return list != null && !list.isEmpty();
    }

    /** The request's allowUsers, checked: user names, only on secret tunnels; without duplicates. */
    private static List<String> allowUsers(NewTunnel request) {
        List<String> asked = request.allowUsers() == null ? List.of() : request.allowUsers();
        if (!asked.isEmpty() && !request.type().secret()) {
            throw ApiException.badRequest("allowUsers: only stcp, sudp and xtcp tunnels are visited by users; "
                    + request.type().id() + " tunnels are public (limit them with allowIps)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String user : asked) {
            if (user == null || !USER_NAME.matcher(user).matches()) {
                throw ApiException.badRequest("allowUsers: '" + user + "' is not a user name (expected: 1-64 "
                        + "lower-case letters, digits, '.', '_' or '-', starting with a letter or digit)");
            }
            names.add(user);
        }
        return List.copyOf(names);
    }

    private static void checkBasicAuth(@Nullable String basicAuth) {
        if (basicAuth == null) {
            return;
        }
        int colon = basicAuth.indexOf(':');
        if (colon < 1 || colon == basicAuth.length() - 1 || basicAuth.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.badRequest("basicAuth: expected user:password (a user name without ':', then the"
                    + " password; neither empty)");
        }
    }

    /** An https tunnel's TLS termination ({@code passthrough} unless asked otherwise); null for other types. */
    private static @Nullable String tlsTermination(NewTunnel request) {
        String termination = request.tlsTermination();
        if (request.type() != TunnelType.HTTPS) {
            if (termination != null) {
                throw ApiException.badRequest("tlsTermination: only https tunnels have it; omit it for "
                        + request.type().id() + " tunnels");
            }
            return null;
        }
        termination = termination == null ? TLS_PASSTHROUGH : termination;
        if (!termination.equals(TLS_PASSTHROUGH) && !termination.equals(TLS_NODE)) {
            throw ApiException.badRequest("tlsTermination: '" + termination + "' (expected: " + TLS_PASSTHROUGH
                    + " to let the local service terminate TLS, or " + TLS_NODE + " to let the node do it)");
        }
        if (termination.equals(TLS_PASSTHROUGH) && request.basicAuth() != null) {
            throw ApiException.badRequest("basicAuth: with TLS passed through to the local service the node sees no "
                    + "request to check; set tlsTermination to " + TLS_NODE + " (fluxctl: --terminate)");
        }
        return termination;
    }

    private long insert(long userId, NewTunnel request, @Nullable String subdomain, @Nullable String domain,
                        @Nullable Integer remotePort, NodeScope scope, @Nullable String tlsTermination,
                        @Nullable Long groupId) {
        try {
            return tunnels.insert(userId, request.name(), request.type(), request.localTarget().trim(), subdomain,
                    domain, remotePort, scope.nodeId(), request.basicAuth(), tlsTermination, groupId);
        } catch (DataIntegrityViolationException e) {
            String constraint = UniqueViolations.constraintOf(e).orElse("");
            throw switch (constraint) {
                case "tunnels_user_name_key" -> ApiException.conflict("tunnel_name_taken",
                        "you already have a tunnel named '" + request.name() + "'");
                case "tunnels_subdomain_key" -> taken(ReservationKind.SUBDOMAIN.describe(subdomain));
                case "tunnels_custom_domain_key" -> taken(ReservationKind.DOMAIN.describe(domain));
                case "tunnels_remote_port_key" -> taken("port " + remotePort);
                default -> e;
            };
        }
    }

    private static ApiException taken(String address) {
        return ApiException.conflict("taken", address + " is taken");
    }

    /** A random subdomain: a letter and nine letters or digits (about 46 bits). */
    private static String randomLabel() {
        StringBuilder label = new StringBuilder(10).append((char) ('a' + RANDOM.nextInt(26)));
        for (int i = 1; i < 10; i++) {
            label.append(LABEL_CHARS.charAt(RANDOM.nextInt(LABEL_CHARS.length())));
        }
        return label.toString();
    }
}
