package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.ApiPrincipal;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
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
 * {@code /api/v1/tunnels}: a user's tunnels. Another user's tunnel answers 404, as if it did not exist; an
 * administrator acting with the admin scope sees and removes everyone's.
 */
@RestController
@RequestMapping("/api/v1/tunnels")
public class TunnelController {

    private final TunnelCatalog catalog;
    private final TunnelRepository tunnels;
    private final AuditLog audit;

    TunnelController(TunnelCatalog catalog, TunnelRepository tunnels, AuditLog audit) {
        this.catalog = catalog;
        this.tunnels = tunnels;
        this.audit = audit;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    Tunnel create(@Valid @RequestBody NewTunnel request, @AuthenticationPrincipal ApiPrincipal caller) {
        Tunnel tunnel = catalog.create(caller.userId(), request);
        audit.record(caller.username(), "tunnel.create", tunnel.username() + "/" + tunnel.name(),
                Map.of("id", tunnel.id(), "type", tunnel.type().id()));
        return tunnel;
    }

    @GetMapping
    List<Tunnel> list(@AuthenticationPrincipal ApiPrincipal caller) {
        return tunnels.findAll(caller.actsAsAdmin() ? null : caller.userId());
    }

    @GetMapping("/{id}")
    Tunnel get(@PathVariable long id, @AuthenticationPrincipal ApiPrincipal caller) {
        return find(id, caller);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    public void delete(@PathVariable long id, @AuthenticationPrincipal ApiPrincipal caller) {
        Tunnel tunnel = find(id, caller);
        tunnels.delete(id);
        audit.record(caller.username(), "tunnel.delete", tunnel.username() + "/" + tunnel.name(),
                Map.of("id", id));
    }

    private Tunnel find(long id, ApiPrincipal caller) {
        return tunnels.findById(id)
                .filter(t -> caller.canAccess(t.userId()))
                .orElseThrow(() -> ApiException.notFound("tunnel " + id));
    }
}
