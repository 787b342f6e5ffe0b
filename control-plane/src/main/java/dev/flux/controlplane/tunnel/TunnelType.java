package dev.flux.controlplane.tunnel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.reservation.ReservationKind;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** What a tunnel carries, stored as {@link #id()} in {@code tunnels.type}. */
public enum TunnelType {
    HTTP,
    HTTPS,
    TCP,
    UDP,
    /** Secret TCP: no public address; visitors holding the secret reach it through the node, end to end encrypted. */
    STCP,
    /** Secret UDP, like {@link #STCP}. */
    SUDP,
    /** Peer to peer: like {@link #STCP}, with the traffic on a direct path between visitor and owner when one opens. */
    XTCP;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static TunnelType of(String id) {
        return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.badRequest("tunnel type '" + id + "' does not exist (expected one of: "
                        + Arrays.stream(values()).map(TunnelType::id).collect(Collectors.joining(", ")) + ")"));
    }

    /** Whether the tunnel is reached by host name (subdomain or custom domain) rather than by port. */
    public boolean byHostName() {
        return this == HTTP || this == HTTPS;
    }

    /** The kind of port the tunnel holds, or null for host-name tunnels. */
    public @Nullable ReservationKind portKind() {
        return switch (this) {
            case TCP -> ReservationKind.TCP_PORT;
            case UDP -> ReservationKind.UDP_PORT;
            case HTTP, HTTPS, STCP, SUDP, XTCP -> null;
        };
    }

    /** Whether only visitors reach it (stcp, sudp, xtcp), by owner and name, with a secret the ends share. */
    public boolean secret() {
        return this == STCP || this == SUDP || this == XTCP;
    }
}
