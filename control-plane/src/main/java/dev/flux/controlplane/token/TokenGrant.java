package dev.flux.controlplane.token;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A token looked up by its secret's hash, with what authentication needs to know about its owner. */
public record TokenGrant(
        long tokenId,
        String tokenName,
        List<String> scopes,
        @Nullable Instant expiresAt,
        @Nullable Instant revokedAt,
        long userId,
        String username,
        boolean administrator,
        boolean userDisabled) {
}
