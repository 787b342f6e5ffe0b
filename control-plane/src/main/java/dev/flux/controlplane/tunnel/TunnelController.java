package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.ApiPrincipal;
import jakarta.validation.Valid;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * {@code /api/v1/tunnels}: a user's tunnels, addressed by id or by the caller's tunnel name. Another user's tunnel
 * answers 404, as if it did not exist; an administrator acting with the admin scope sees and changes everyone's.
 */
@RestController
@RequestMapping("/api/v1/tunnels")
public class TunnelController {

    private final TunnelCatalog catalog;
    private final TunnelRepository tunnels;
    private final TunnelStates states;
    private final AuditLog audit;

    TunnelController(TunnelCatalog catalog, TunnelRepository tunnels, TunnelStates states, AuditLog audit) {
        this.catalog = catalog;
        this.tunnels = tunnels;
        this.states = states;
        this.audit = audit;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    Tunnel create(@Valid @RequestBody NewTunnel request, @AuthenticationPrincipal ApiPrincipal caller) {
        Tunnel tunnel = catalog.create(caller.userId(), request);
        audit.record(caller.username(), "tunnel.create", tunnel.username() + "/" + tunnel.name(),
                tunnel.group() == null ? Map.of("id", tunnel.id(), "type", tunnel.type().id())
                        : Map.of("id", tunnel.id(), "type", tunnel.type().id(), "group", tunnel.group()));
        return tunnel;
    }

    @GetMapping
    List<Tunnel> list(@AuthenticationPrincipal ApiPrincipal caller) {
        return tunnels.findAll(caller.actsAsAdmin() ? null : caller.userId());
    }

    @GetMapping("/{idOrName}")
    Tunnel get(@PathVariable String idOrName, @AuthenticationPrincipal ApiPrincipal caller) {
        return find(idOrName, caller);
    }

    @DeleteMapping("/{idOrName}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    public void delete(@PathVariable String idOrName, @AuthenticationPrincipal ApiPrincipal caller) {
        Tunnel tunnel = find(idOrName, caller);
        states.delete(tunnel.id());
        audit(caller, "tunnel.delete", tunnel);
    }

    @PostMapping("/{idOrName}/disable")
    @Transactional
    Tunnel disable(@PathVariable String idOrName, @AuthenticationPrincipal ApiPrincipal caller) {
        Tunnel tunnel = find(idOrName, caller);
        audit(caller, "tunnel.disable", tunnel);
        return states.disable(tunnel.id());
    }

    @PostMapping("/{idOrName}/enable")
    @Transactional
    Tunnel enable(@PathVariable String idOrName, @AuthenticationPrincipal ApiPrincipal caller) {
        Tunnel tunnel = find(idOrName, caller);
        audit(caller, "tunnel.enable", tunnel);
        return states.enable(tunnel.id());
    }

    /** Closes the tunnel's current session on its node; the agent may register it again. */
    @PostMapping("/{idOrName}/kick")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    void kick(@PathVariable String idOrName, @AuthenticationPrincipal ApiPrincipal caller) {
        Tunnel tunnel = find(idOrName, caller);
        states.kick(tunnel.id());
        audit(caller, "tunnel.kick", tunnel);
    }

    private void audit(ApiPrincipal caller, String action, Tunnel tunnel) {
        audit.record(caller.username(), action, tunnel.username() + "/" + tunnel.name(), Map.of("id", tunnel.id()));
    }

    /**
     * The tunnel with this id, or else the caller's tunnel with this name (names may be digits too: an id the
     * caller cannot see falls back to the name).
     */
    private Tunnel find(String idOrName, ApiPrincipal caller) {
        Optional<Tunnel> byId = idOrName.matches("[0-9]{1,18}")
                ? tunnels.findById(Long.parseLong(idOrName)).filter(t -> caller.canAccess(t.userId()))
                : Optional.empty();
        return byId.or(() -> tunnels.findByName(caller.userId(), idOrName))
                .orElseThrow(() -> ApiException.notFound("tunnel '" + idOrName + "'"));
    }
}
