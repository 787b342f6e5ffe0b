package dev.flux.controlplane.security;

import java.util.Set;

/**
 * The caller of an API request, as established from its bearer token. Inject it with
 * {@code @AuthenticationPrincipal ApiPrincipal caller}.
 *
 * @param scopes the token's effective scopes: {@link Scope#ADMIN} only while the user is still an administrator
 */
public record ApiPrincipal(long userId, String username, boolean administrator, long tokenId, Set<Scope> scopes) {

    public ApiPrincipal {
        scopes = Set.copyOf(scopes);
    }

    /** Whether this request acts as administrator: an admin user with an admin-scoped token. */
    public boolean actsAsAdmin() {
        return scopes.contains(Scope.ADMIN);
    }

    /** Whether the caller may see and change what {@code ownerId} owns. */
    public boolean canAccess(long ownerId) {
        return ownerId == userId || actsAsAdmin();
    }
}
