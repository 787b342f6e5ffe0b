package dev.flux.controlplane.user;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A user's role, stored as {@link #id()} in {@code users.role}. */
public enum Role {
    ADMIN,
    USER;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Role of(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
