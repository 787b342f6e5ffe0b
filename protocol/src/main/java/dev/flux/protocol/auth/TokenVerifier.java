package dev.flux.protocol.auth;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks presented tokens against a fixed set of stored hashes.
 *
 * <p>The presented token is hashed once and compared with every stored hash in constant time, so neither the
 * position of a match nor the length of a common prefix shows in the timing.
 *
 * @param <T> what a token identifies (an account, a token entry)
 */
public final class TokenVerifier<T> {

    private record Entry<T>(byte[] hash, T subject) {
    }

    private final List<Entry<T>> entries;

    private TokenVerifier(List<Entry<T>> entries) {
        this.entries = List.copyOf(entries);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** Returns the subject of the token, or null when no stored hash matches. */
    public T verify(String presented) {
        if (presented == null || presented.isEmpty()) {
            return null;
        }
        byte[] digest = Tokens.digest(presented);
        T found = null;
        for (Entry<T> e : entries) {
            if (MessageDigest.isEqual(digest, e.hash()) && found == null) {
                found = e.subject();
            }
        }
        return found;
    }

    public static final class Builder<T> {
        private final List<Entry<T>> entries = new ArrayList<>();

        private Builder() {
        }

        /** Adds a token given in plain text; only its hash is kept. */
        public Builder<T> addPlain(String token, T subject) {
            entries.add(new Entry<>(Tokens.digest(token), subject));
            return this;
        }

        /** Adds a stored hash ({@code sha256:<hex>}). */
        public Builder<T> addHash(String storedHash, T subject) {
            entries.add(new Entry<>(Tokens.parseHash(storedHash), subject));
            return this;
        }

        public TokenVerifier<T> build() {
            return new TokenVerifier<>(entries);
        }
    }
}
