package dev.flux.controlplane.reservation;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An address a user holds.
 *
 * @param node the node a port belongs to; null for subdomains, domains and the default port range
 * @param tunnelId set when the address was claimed by that tunnel (and goes with it) rather than reserved
 */
public record Reservation(
        long id,
        long userId,
        String username,
        ReservationKind kind,
        String value,
        @Nullable Long nodeId,
        @Nullable String node,
        @Nullable Long tunnelId,
        Instant createdAt) {
}
