package dev.flux.controlplane.token;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An API token as listed: everything but the secret, which exists only in the response that created it.
 *
 * @param prefix the first characters of the secret, to recognise a token by
 */
public record ApiToken(
        long id,
        long userId,
        String username,
        String name,
        String prefix,
        List<String> scopes,
        @Nullable Instant expiresAt,
        @Nullable Instant lastUsedAt,
        @Nullable Instant revokedAt,
        Instant createdAt) {
}
