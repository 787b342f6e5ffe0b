package dev.flux.controlplane.reservation;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.node.NodeDirectory;
import dev.flux.controlplane.security.ApiPrincipal;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/reservations}: subdomains, custom domains and ports a user keeps for their tunnels. A user sees
 * their own; an administrator acting with the admin scope sees everyone's.
 */
@RestController
@RequestMapping("/api/v1/reservations")
public class ReservationController {

    private final AddressClaims claims;
    private final ReservationRepository reservations;
    private final NodeDirectory nodes;
    private final AuditLog audit;

    ReservationController(AddressClaims claims, ReservationRepository reservations, NodeDirectory nodes,
                          AuditLog audit) {
        this.claims = claims;
        this.reservations = reservations;
        this.nodes = nodes;
        this.audit = audit;
    }

    /**
     * @param value omitted for a port: any free port of the range
     * @param node the node a port is on; omitted: the default port range. Not allowed for subdomains and domains,
     *     which are the same on every node.
     */
    public record NewReservation(@NotNull ReservationKind kind, @Nullable String value, @Nullable String node) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    public Reservation reserve(@Valid @RequestBody NewReservation request, @AuthenticationPrincipal ApiPrincipal caller) {
        if (request.node() != null && !request.kind().isPort()) {
            throw ApiException.badRequest("node: a " + request.kind().id() + " is the same on every node; omit node");
        }
        Reservation reservation = claims.reserve(caller.userId(), request.kind(), request.value(),
                nodes.resolve(request.node()));
        audit.record(caller.username(), "reservation.create", reservation.kind().describe(reservation.value()),
                reservation.node() == null ? Map.of() : Map.of("node", reservation.node()));
        return reservation;
    }

    @GetMapping
    public List<Reservation> list(@AuthenticationPrincipal ApiPrincipal caller) {
        return reservations.findAll(caller.actsAsAdmin() ? null : caller.userId());
    }

    /** Releases a reservation; one a tunnel uses is released by removing the tunnel. */
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    public void release(@PathVariable long id, @AuthenticationPrincipal ApiPrincipal caller) {
        Reservation reservation = reservations.findById(id)
                .filter(r -> caller.canAccess(r.userId()))
                .orElseThrow(() -> ApiException.notFound("reservation " + id));
        String address = reservation.kind().describe(reservation.value());
        if (reservation.tunnelId() != null) {
            throw ApiException.conflict("in_use", address + " belongs to a tunnel; remove the tunnel instead");
        }
        reservations.usedBy(reservation).ifPresent(user -> {
            throw ApiException.conflict("in_use", address + " is used by " + user + "; remove "
                    + (user.startsWith("group") ? "its members" : "the tunnel") + " first");
        });
        reservations.delete(id);
        audit.record(caller.username(), "reservation.delete", address, Map.of("owner", reservation.username()));
    }
}
