package dev.flux.controlplane.token;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.controlplane.security.Scope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * {@code /api/v1/tokens}: a user's own API tokens (an administrator acting with the admin scope sees and revokes
 * everyone's). A token can only create tokens with scopes it has itself.
 */
@RestController
@RequestMapping("/api/v1/tokens")
public class TokenController {

    private final ApiTokenRepository tokens;
    private final TokenIssuer issuer;
    private final AuditLog audit;

    TokenController(ApiTokenRepository tokens, TokenIssuer issuer, AuditLog audit) {
        this.tokens = tokens;
        this.issuer = issuer;
        this.audit = audit;
    }

    /**
     * @param scopes omitted: {@code tunnels}
     * @param expiresAt omitted: never expires
     */
    public record NewToken(@NotBlank @Size(max = 100) String name, @Nullable List<String> scopes,
                    @Nullable Instant expiresAt) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public CreatedToken create(@Valid @RequestBody NewToken request, @AuthenticationPrincipal ApiPrincipal caller) {
        Set<Scope> scopes = request.scopes() == null ? EnumSet.of(Scope.TUNNELS) : Scope.parse(request.scopes());
        Set<Scope> missing = EnumSet.noneOf(Scope.class);
        missing.addAll(scopes);
        missing.removeAll(caller.scopes());
        if (!missing.isEmpty()) {
            throw ApiException.forbidden("scope_not_allowed", "this token lacks the scopes " + Scope.ids(missing)
                    + ", so it cannot create a token that has them");
        }
        return issuer.issue(caller.userId(), caller.administrator(), request.name(), scopes, request.expiresAt(),
                caller.username());
    }

    @GetMapping
    public List<ApiToken> list(@AuthenticationPrincipal ApiPrincipal caller) {
        return tokens.findAll(caller.actsAsAdmin() ? null : caller.userId());
    }

    /** Revokes a token at once: requests bearing it get 401 from now on. Revoking it again changes nothing. */
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Transactional
    public void revoke(@PathVariable long id, @AuthenticationPrincipal ApiPrincipal caller) {
        ApiToken token = tokens.findById(id)
                .filter(t -> caller.canAccess(t.userId()))
                .orElseThrow(() -> ApiException.notFound("token " + id));
        if (token.revokedAt() == null) {
            tokens.revoke(id);
            audit.record(caller.username(), "token.revoke", token.username(),
                    Map.of("id", id, "name", token.name()));
        }
    }
}
