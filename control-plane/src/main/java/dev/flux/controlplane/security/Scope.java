package dev.flux.controlplane.security;

import dev.flux.controlplane.api.ApiException;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What an API token may do. Stored as their {@link #id()}s in {@code api_tokens.scopes}. */
public enum Scope {
    /** Own tunnels and reservations. */
    TUNNELS,
    /** Administration: users, nodes, the audit log, and everyone's tokens, tunnels and reservations. */
    ADMIN;

    /** The name in the API and the database, e.g. {@code tunnels}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority a token with this scope carries. */
    public String authority() {
        return "SCOPE_" + id();
    }

    /** Parses scope ids; unknown ones are a 400 that lists the valid ones. */
    public static Set<Scope> parse(Collection<String> ids) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String id : ids) {
            scopes.add(Arrays.stream(values()).filter(s -> s.id().equals(id)).findFirst()
                    .orElseThrow(() -> ApiException.badRequest("scope '" + id + "' does not exist (expected one of: "
                            + ids(EnumSet.allOf(Scope.class)) + ")")));
        }
        return scopes;
    }

    /** The ids of {@code scopes} in declaration order. */
    public static List<String> ids(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::id).collect(Collectors.toList());
    }
}
