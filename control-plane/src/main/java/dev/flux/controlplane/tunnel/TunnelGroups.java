package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.node.NodeScope;
import dev.flux.controlplane.reservation.ReservationKind;
import dev.flux.protocol.auth.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Load-balancing groups: a new tunnel founds the group it names, or joins it when it holds the group's key (any
 * user may, as with frp's groupKey). The members share the group's address, type and node; the node spreads
 * connections (tcp) and requests (http) over the healthy ones. A group lives while it has members: when the one
 * whose claim holds the address leaves, the claim passes to the next member; the last one takes the group along.
 */
@Component
class TunnelGroups {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    /** Tries before giving up when the group is deleted under a joiner again and again. */
    private static final int ATTEMPTS = 3;

    private final TunnelGroupRepository groups;

    TunnelGroups(TunnelGroupRepository groups) {
        this.groups = groups;
    }

    /**
     * Where a new tunnel stands in its group.
     *
     * @param groupId the group to insert the tunnel into
     * @param shared the address of the members it joins; null when it founds the group (and claims the address)
     */
    record Membership(long groupId, TunnelGroupRepository.@Nullable Address shared) {
    }

    /**
     * Checks a request's {@code group} and {@code groupKey} without touching the database.
     *
     * @throws ApiException 400 naming the field
     */
    static void check(NewTunnel request) {
        String group = request.group();
        String key = request.groupKey();
        if (group == null) {
            if (key != null) {
                throw ApiException.badRequest("groupKey: set only with group (the load-balancing group to found or"
                        + " join)");
            }
            return;
        }
        if (!NAME.matcher(group).matches()) {
            throw ApiException.badRequest("group: '" + group + "' is not a group name (expected: 1-64 lower-case "
                    + "letters, digits, '_' or '-', starting with a letter or digit)");
        }
        if (request.type() != TunnelType.TCP && request.type() != TunnelType.HTTP) {
            throw ApiException.badRequest("group: load-balancing groups are for tcp and http tunnels; tunnel '"
                    + request.name() + "' is " + request.type().id() + "; omit group");
        }
        if (key == null || key.isBlank()) {
            throw ApiException.badRequest("groupKey: group '" + group + "' needs its key: the one that founds it, or"
                    + " that its founder shares to let others join");
        }
    }

    /**
     * Founds or joins the request's group, keeping its row locked to the end of the transaction (so the group
     * cannot lose its last member meanwhile); empty for a request without a group.
     *
     * @throws ApiException 409 {@code group_key_mismatch} for a wrong key, 409 {@code group_mismatch} for a type,
     *     address or node that differs from the members'
     */
    @Transactional(propagation = Propagation.MANDATORY)
    Optional<Membership> enter(NewTunnel request, NodeScope scope) {
        String name = request.group();
        if (name == null) {
            return Optional.empty();
        }
        String keyHash = Tokens.hash(Objects.requireNonNull(request.groupKey()));
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<Long> founded = groups.insertIfAbsent(name, request.type(), keyHash);
            if (founded.isPresent()) {
                return Optional.of(new Membership(founded.get(), null));
            }
            Optional<TunnelGroupRepository.Group> existing = groups.lock(name);
            if (existing.isEmpty()) {
                continue; // its last member left just now: found it again
            }
            TunnelGroupRepository.Group group = existing.get();
            Optional<TunnelGroupRepository.Address> member = groups.member(group.id(), -1);
            if (member.isEmpty()) {
                groups.refound(group.id(), request.type(), keyHash);
                return Optional.of(new Membership(group.id(), null));
            }
            if (!MessageDigest.isEqual(group.keyHash().getBytes(StandardCharsets.US_ASCII),
                    keyHash.getBytes(StandardCharsets.US_ASCII))) {
                throw ApiException.conflict("group_key_mismatch", "the key does not match group '" + name
                        + "'; ask its founder for the group's key, or choose another group name");
            }
            checkJoin(request, scope, group, member.get());
            return Optional.of(new Membership(group.id(), member.get()));
        }
        throw ApiException.conflict("group_busy", "group '" + name + "' is changing right now; try again");
    }

    /** Whether the request fits the group: its type, and its address and node where the request names them. */
    private static void checkJoin(NewTunnel request, NodeScope scope, TunnelGroupRepository.Group group,
                                  TunnelGroupRepository.Address shared) {
        String name = group.name();
        if (group.type() != request.type()) {
            throw ApiException.conflict("group_mismatch", "group '" + name + "' balances " + group.type().id()
                    + " tunnels; tunnel '" + request.name() + "' is " + request.type().id()
                    + "; make it " + group.type().id() + " or choose another group");
        }
        String fix = "; omit it to share the group's address, or choose another group";
        if (request.subdomain() != null
                && !ReservationKind.SUBDOMAIN.normalize(request.subdomain()).equals(shared.subdomain())) {
            throw ApiException.conflict("group_mismatch", "group '" + name + "' serves "
                    + describe("subdomain", shared.subdomain()) + ", not subdomain '" + request.subdomain() + "'"
                    + fix);
        }
        if (request.customDomain() != null
                && !ReservationKind.DOMAIN.normalize(request.customDomain()).equals(shared.customDomain())) {
            throw ApiException.conflict("group_mismatch", "group '" + name + "' serves "
                    + describe("domain", shared.customDomain()) + ", not domain '" + request.customDomain() + "'"
                    + fix);
        }
        if (request.remotePort() != null && !request.remotePort().equals(shared.remotePort())) {
            throw ApiException.conflict("group_mismatch", "group '" + name + "' listens on port "
                    + shared.remotePort() + ", not " + request.remotePort() + fix);
        }
        if (request.node() != null && !Objects.equals(scope.nodeId(), shared.nodeId())) {
            throw ApiException.conflict("group_mismatch", "group '" + name + "' is served by "
                    + (shared.nodeName() == null ? "any node" : "node '" + shared.nodeName() + "'")
                    + ", not node '" + request.node() + "'; omit node to follow the group");
        }
    }

    private static String describe(String what, @Nullable String value) {
        return value == null ? "no " + what : what + " '" + value + "'";
    }

    /**
     * Deletes a tunnel with {@code delete}, taking it out of its group first: its address claims pass to the next
     * member, or, when it was the last, the group goes too.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    void deleteMember(long tunnelId, Runnable delete) {
        Optional<TunnelGroupRepository.Group> group = groups.lockOf(tunnelId);
        Optional<TunnelGroupRepository.Address> next = group.flatMap(g -> groups.member(g.id(), tunnelId));
        next.ifPresent(member -> groups.moveClaims(tunnelId, member.tunnelId()));
        delete.run();
        if (group.isPresent() && next.isEmpty()) {
            groups.delete(group.get().id());
        }
    }
}
