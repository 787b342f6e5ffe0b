package dev.flux.controlplane.token;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.Scope;
import dev.flux.protocol.auth.Tokens;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Creates API tokens: a fresh {@code flx_} secret (the product's token format, {@link Tokens}), stored as its
 * SHA-256 hash and a short display prefix, and returned to the caller this once.
 */
@Component
public class TokenIssuer {

    /** How much of the secret is kept to recognise a token by: {@code flx_} and 8 characters (48 bits). */
    static final int PREFIX_LENGTH = Tokens.PREFIX.length() + 8;

    private final ApiTokenRepository tokens;
    private final AuditLog audit;
    private final Clock clock;

    TokenIssuer(ApiTokenRepository tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
        this.clock = Clock.systemUTC();
    }

    /**
     * Issues a token to a user.
     *
     * @param administrator whether the owner is an administrator: only their tokens may have {@link Scope#ADMIN}
     * @param actor who asks, for the audit trail
     * @throws ApiException when a scope is not allowed or the expiry is not in the future
     */
    @Transactional
    public CreatedToken issue(long userId, boolean administrator, String name, Set<Scope> scopes,
                              @Nullable Instant expiresAt, String actor) {
        if (scopes.isEmpty()) {
            throw ApiException.badRequest("a token needs at least one scope (expected some of: tunnels, admin)");
        }
        if (scopes.contains(Scope.ADMIN) && !administrator) {
            throw new ApiException(HttpStatus.FORBIDDEN, "scope_not_allowed",
                    "only administrators' tokens can have the 'admin' scope");
        }
        if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
            throw ApiException.badRequest("expiresAt: " + expiresAt + " is not in the future");
        }
        String secret = Tokens.generate();
        ApiToken token = tokens.insert(userId, name, secret.substring(0, PREFIX_LENGTH), Tokens.hash(secret),
                Scope.ids(scopes), expiresAt);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("id", token.id());
        detail.put("name", name);
        detail.put("scopes", token.scopes());
        if (expiresAt != null) {
            detail.put("expiresAt", expiresAt.toString());
        }
        audit.record(actor, "token.create", token.username(), detail);
        return new CreatedToken(token, secret);
    }
}
