package dev.flux.controlplane.security;

import dev.flux.controlplane.api.ApiErrorWriter;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.token.TokenGrant;
import dev.flux.protocol.auth.Tokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer flx_...}: hashes the secret, looks the hash up, and refuses unknown,
 * revoked and expired tokens and disabled accounts with a 401 that says which. A request without the header passes
 * on unauthenticated (the authorization rules then decide). Not a bean, so that the servlet container does not
 * also run it outside the security chain.
 */
final class BearerTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";

    private final ApiTokenRepository tokens;
    private final ApiErrorWriter errors;
    private final Clock clock;

    BearerTokenFilter(ApiTokenRepository tokens, ApiErrorWriter errors, Clock clock) {
        this.tokens = tokens;
        this.errors = errors;
        this.clock = clock;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            chain.doFilter(request, response);
            return;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            refuse(response, "unsupported_credentials", "send an API token as 'Authorization: Bearer <token>'");
            return;
        }
        String secret = header.substring(BEARER.length()).trim();
        Optional<TokenGrant> found = secret.startsWith(Tokens.PREFIX)
                ? tokens.findGrant(Tokens.hash(secret))
                : Optional.empty();
        if (found.isEmpty()) {
            refuse(response, "invalid_token", "the token is not known to this control plane");
            return;
        }
        TokenGrant grant = found.get();
        Instant now = clock.instant();
        if (grant.revokedAt() != null) {
            refuse(response, "token_revoked", "token '" + grant.tokenName() + "' was revoked at " + grant.revokedAt());
            return;
        }
        if (grant.expiresAt() != null && !now.isBefore(grant.expiresAt())) {
            refuse(response, "token_expired", "token '" + grant.tokenName() + "' expired at " + grant.expiresAt());
            return;
        }
        if (grant.userDisabled()) {
            refuse(response, "account_disabled", "the account '" + grant.username() + "' is disabled");
            return;
        }
        tokens.touch(grant.tokenId());
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(new ApiTokenAuthentication(principal(grant)));
        SecurityContextHolder.setContext(context);
        chain.doFilter(request, response);
    }

    private static ApiPrincipal principal(TokenGrant grant) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String id : grant.scopes()) {
            for (Scope scope : Scope.values()) {
                if (scope.id().equals(id)) {
                    scopes.add(scope);
                }
            }
        }
        if (!grant.administrator()) {
            scopes.remove(Scope.ADMIN); // the user lost the admin role after the token was made
        }
        return new ApiPrincipal(grant.userId(), grant.username(), grant.administrator(), grant.tokenId(), scopes);
    }

    private void refuse(HttpServletResponse response, String error, String message) throws IOException {
        errors.write(response, HttpStatus.UNAUTHORIZED, error, message);
    }
}
