package dev.flux.controlplane.node;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.protocol.auth.Tokens;
import dev.flux.protocol.config.DnsNames;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/nodes}: registering gateway nodes (administrators only). Registration returns the node's
 * credential once; the node will present it to the node API.
 */
@RestController
@RequestMapping("/api/v1/nodes")
public class NodeController {

    private final NodeRepository nodes;
    private final AuditLog audit;

    NodeController(NodeRepository nodes, AuditLog audit) {
        this.nodes = nodes;
        this.audit = audit;
    }

    /**
     * @param portMin omitted: 20000
     * @param portMax omitted: 29999
     */
    public record NewNode(
            @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}", message = "use lower-case letters, digits and '-'")
            String name,
            @NotBlank String publicHost,
            @Nullable String subdomainHost,
            @Nullable @Min(1) @Max(65535) Integer portMin,
            @Nullable @Min(1) @Max(65535) Integer portMax) {
    }

    /** @param credential the node's secret, shown only here */
    public record RegisteredNode(Node node, String credential) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @Transactional
    public RegisteredNode register(@Valid @RequestBody NewNode request, @AuthenticationPrincipal ApiPrincipal caller) {
        if (!DnsNames.isHostName(request.publicHost())) {
            throw ApiException.badRequest("publicHost: '" + request.publicHost() + "' is not a host name");
        }
        if (request.subdomainHost() != null && !DnsNames.isHostName(request.subdomainHost())) {
            throw ApiException.badRequest("subdomainHost: '" + request.subdomainHost() + "' is not a host name");
        }
        int min = request.portMin() == null ? 20000 : request.portMin();
        int max = request.portMax() == null ? 29999 : request.portMax();
        if (min > max) {
            throw ApiException.badRequest("port range " + min + "-" + max + " is empty (expected: portMin <= portMax)");
        }
        String credential = Tokens.generate();
        Node node = nodes.insertIfAbsent(request.name(), request.publicHost(), request.subdomainHost(),
                        new PortRange(min, max), Tokens.hash(credential))
                .orElseThrow(() -> ApiException.conflict("node_name_taken",
                        "node name '" + request.name() + "' is taken"));
        audit.record(caller.username(), "node.register", node.name(),
                Map.of("publicHost", node.publicHost(), "ports", node.ports().toString()));
        return new RegisteredNode(node, credential);
    }

    @GetMapping
    List<Node> list() {
        return nodes.findAll();
    }
}
