package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.node.Node;
import dev.flux.controlplane.node.NodeRepository;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.controlplane.user.UserRepository;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/visits/{owner}/{name}}: where a visitor reaches a secret tunnel (stcp, sudp, xtcp): its type
 * and the node to connect to. Only the owner and the users in its allowUsers (anyone, when the list is empty) are
 * told; the node checks the same list again when the visit comes. The secret is never here: the visitor brings it,
 * and the two ends prove it to each other.
 */
@RestController
class VisitController {

    private final TunnelRepository tunnels;
    private final UserRepository users;
    private final NodeRepository nodes;

    VisitController(TunnelRepository tunnels, UserRepository users, NodeRepository nodes) {
        this.tunnels = tunnels;
        this.users = users;
        this.nodes = nodes;
    }

    /**
     * Where to visit a secret tunnel.
     *
     * @param state {@code online} while an agent serves it, else {@code offline} (visits fail until it is back)
     * @param node the node to connect to: the one serving the tunnel, else the one it is bound to, else the node its
     *     owner's agent is sent to (the first online one)
     */
    record Visit(String owner, String name, TunnelType type, String state, VisitNode node) {
    }

    /** A node as visitors connect to it; the visitor pins its certificate's {@code fingerprint}. */
    record VisitNode(String name, String tunnelHost, int tunnelPort, @Nullable String fingerprint, boolean online) {
    }

    @GetMapping("/api/v1/visits/{owner}/{name}")
    Visit visit(@PathVariable String owner, @PathVariable String name, @AuthenticationPrincipal ApiPrincipal caller) {
        String what = "secret tunnel '" + owner + "/" + name + "'";
        Tunnel tunnel = users.findByUsername(owner)
                .flatMap(u -> tunnels.findByName(u.id(), name))
                .filter(t -> t.type().secret())
                .orElseThrow(() -> ApiException.notFound(what));
        if (!mayVisit(tunnel, caller)) {
            throw ApiException.forbidden("visit_refused", "user '" + caller.username() + "' is not allowed to visit "
                    + what + "; ask " + owner + " to add you to its allowUsers");
        }
        if (!tunnel.enabled()) {
            throw ApiException.conflict("tunnel_disabled", what + " is disabled by its owner");
        }
        List<Node> registered = nodes.findRegistered();
        Optional<String> serving = tunnels.servingNode(tunnel.id());
        String wanted = serving.orElse(tunnel.node());
        Node node = registered.stream()
                .filter(n -> wanted != null ? n.name().equals(wanted) : n.online())
                .findFirst()
                .orElseThrow(() -> ApiException.conflict("no_node", "no node is online to reach " + what
                        + (wanted == null ? "" : " (it is bound to node '" + wanted + "')") + "; try again later"));
        return new Visit(tunnel.username(), tunnel.name(), tunnel.type(), serving.isPresent() ? "online" : "offline",
                new VisitNode(node.name(), node.tunnelHost(), node.tunnelPort(), node.fingerprint(), node.online()));
    }

    /** The owner always; others when the tunnel names no users, or names theirs. */
    static boolean mayVisit(Tunnel tunnel, ApiPrincipal caller) {
        return tunnel.userId() == caller.userId() || tunnel.allowUsers().isEmpty()
                || tunnel.allowUsers().contains(caller.username());
    }
}
