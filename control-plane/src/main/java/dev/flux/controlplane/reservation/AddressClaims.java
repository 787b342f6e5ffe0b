package dev.flux.controlplane.reservation;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.node.NodeScope;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Hands out subdomains, domains and ports: as explicit reservations, and as the claims of tunnels on addresses
 * nobody reserved. The database's unique index decides every race; this class turns a lost race into a 409 that
 * names the address, and enforces the per-user port quota.
 */
@Component
public class AddressClaims {

    /** Random picks before concluding that a busy range is full; collisions need concurrent allocations. */
    private static final int PORT_ATTEMPTS = 16;

    private final ReservationRepository reservations;
    private final UserRepository users;

    AddressClaims(ReservationRepository reservations, UserRepository users) {
        this.reservations = reservations;
        this.users = users;
    }

    /**
     * Reserves an address for a user; a port kind without a value gets a free port of the scope's range.
     *
     * An address one of the user's tunnels holds becomes an explicit reservation that outlives the tunnel.
     *
     * @throws ApiException 409 when the address is held (by anyone, the user included), 422 when a port is
     *     outside the range or the user's port quota is used up
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Reservation reserve(long userId, ReservationKind kind, @Nullable String value, NodeScope scope) {
        User user = lockUser(userId);
        if (kind.isPort() && value == null) {
            return allocatePort(user, kind, scope, null);
        }
        if (value == null) {
            throw ApiException.badRequest("value: a " + kind.id() + " reservation needs a value");
        }
        String address = checkedValue(kind, value, scope);
        @Nullable Long nodeId = nodeIdFor(kind, scope);
        Optional<Reservation> reservation = reservations.insertIfFree(user.id(), kind, address, nodeId, null);
        if (reservation.isPresent()) {
            checkPortQuota(user, kind);
            return reservation.get();
        }
        // an address one of the user's tunnels claimed becomes theirs to keep after the tunnel
        return reservations.findHolder(kind, address, nodeId)
                .filter(holder -> holder.userId() == user.id() && holder.tunnelId() != null)
                .map(holder -> reservations.keep(holder.id()))
                .orElseThrow(() -> taken(user.id(), kind, address, scope));
    }

    /**
     * Lets a tunnel use an address: the user's own explicit reservation of it, or a new claim that goes with the
     * tunnel. Two tunnels using one reservation are stopped by the tunnels table's unique indexes, not here.
     *
     * @return the address in its stored form
     * @throws ApiException 409 when someone else holds the address
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public String claimForTunnel(long userId, ReservationKind kind, String value, NodeScope scope, long tunnelId) {
        User user = lockUser(userId);
        String address = checkedValue(kind, value, scope);
        @Nullable Long nodeId = nodeIdFor(kind, scope);
        if (reservations.insertIfFree(user.id(), kind, address, nodeId, tunnelId).isPresent()) {
            checkPortQuota(user, kind);
            return address;
        }
        Optional<Reservation> holder = reservations.findHolder(kind, address, nodeId);
        if (holder.isPresent() && holder.get().userId() == user.id() && holder.get().tunnelId() == null) {
            return address;
        }
        throw taken(user.id(), kind, address, scope);
    }

    /** Gives a tunnel a free port of the scope's range; returns the port. */
    @Transactional(propagation = Propagation.MANDATORY)
    public int allocatePortForTunnel(long userId, ReservationKind kind, NodeScope scope, long tunnelId) {
        return Integer.parseInt(allocatePort(lockUser(userId), kind, scope, tunnelId).value());
    }

    private Reservation allocatePort(User user, ReservationKind kind, NodeScope scope, @Nullable Long tunnelId) {
        checkPortQuotaBeforeNew(user);
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            Optional<Reservation> port = reservations.insertRandomFreePort(user.id(), kind, scope, tunnelId);
            if (port.isPresent()) {
                return port.get();
            }
            if (!reservations.hasFreePort(kind, scope)) {
                break;
            }
        }
        throw ApiException.conflict("no_free_port", "no free " + kind.describe("").trim() + " left in "
                + scope.describe() + " (" + scope.ports() + ")");
    }

    private String checkedValue(ReservationKind kind, String value, NodeScope scope) {
        String address = kind.normalize(value);
        if (kind.isPort() && !scope.ports().contains(Integer.parseInt(address))) {
            throw ApiException.unprocessable("port_out_of_range", "port " + address + " is outside "
                    + (scope.nodeName() == null ? "the default range " : "the range of node '" + scope.nodeName()
                    + "' ") + scope.ports());
        }
        return address;
    }

    private User lockUser(long userId) {
        return users.lock(userId).orElseThrow(() -> ApiException.notFound("user " + userId));
    }

    /** Called after inserting a port: the insert counts, so more than the quota means this one was too many. */
    private void checkPortQuota(User user, ReservationKind kind) {
        if (kind.isPort() && reservations.countPorts(user.id()) > user.maxPorts()) {
            throw portQuotaReached(user);
        }
    }

    private void checkPortQuotaBeforeNew(User user) {
        if (reservations.countPorts(user.id()) >= user.maxPorts()) {
            throw portQuotaReached(user);
        }
    }

    private static ApiException portQuotaReached(User user) {
        return ApiException.unprocessable("quota_exceeded",
                "quota of " + user.maxPorts() + (user.maxPorts() == 1 ? " port" : " ports") + " reached");
    }

    private ApiException taken(long userId, ReservationKind kind, String address, NodeScope scope) {
        String where = kind.isPort() && scope.nodeName() != null ? " on node '" + scope.nodeName() + "'" : "";
        boolean own = reservations.findHolder(kind, address, nodeIdFor(kind, scope))
                .map(r -> r.userId() == userId).orElse(false);
        return ApiException.conflict("taken", kind.describe(address) + where
                + (own ? " is already yours" : " is taken"));
    }

    private static @Nullable Long nodeIdFor(ReservationKind kind, NodeScope scope) {
        return kind.isPort() ? scope.nodeId() : null; // subdomains and domains are global
    }
}
