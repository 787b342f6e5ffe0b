package dev.flux.controlplane.nodeapi;

import dev.flux.controlplane.api.ApiErrorWriter;
import dev.flux.controlplane.node.Node;
import dev.flux.controlplane.node.NodeRepository;
import dev.flux.protocol.auth.Tokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates a node by {@code Authorization: Bearer <node credential>}: the secret {@code POST /api/v1/nodes}
 * returned once, looked up by its hash. Anything else is a 401 that says what to send. Not a bean, so that the
 * servlet container does not also run it outside the node API's security chain.
 */
final class NodeCredentialFilter extends OncePerRequestFilter {

    static final String AUTHORITY = "NODE";
    private static final String BEARER = "Bearer ";

    private final NodeRepository nodes;
    private final ApiErrorWriter errors;

    NodeCredentialFilter(NodeRepository nodes, ApiErrorWriter errors) {
        this.nodes = nodes;
        this.errors = errors;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            errors.write(response, HttpStatus.UNAUTHORIZED, "unauthenticated", "the node API needs the node's"
                    + " credential: send 'Authorization: Bearer <credential>' (POST /api/v1/nodes returns it once)");
            return;
        }
        String secret = header.substring(BEARER.length()).trim();
        Optional<Node> node = secret.startsWith(Tokens.PREFIX)
                ? nodes.findByCredentialHash(Tokens.hash(secret))
                : Optional.empty();
        if (node.isEmpty()) {
            errors.write(response, HttpStatus.UNAUTHORIZED, "invalid_credential", "the node credential is not known"
                    + " to this control plane; check [controlPlane] credential in node.toml");
            return;
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                new NodePrincipal(node.get().id(), node.get().name()), null,
                List.of(new SimpleGrantedAuthority(AUTHORITY))));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }
}
