package dev.flux.controlplane.security;

import dev.flux.controlplane.user.User;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Who is signed in to the web UI (kept in the HTTP session). Pages inject it with
 * {@code @AuthenticationPrincipal WebUser me}; administrators have the authority {@code ROLE_ADMIN}.
 */
public record WebUser(long userId, String username, String passwordHash, boolean administrator, boolean disabled)
        implements UserDetails {

    static WebUser of(User user) {
        return new WebUser(user.id(), user.username(), user.passwordHash(), user.isAdmin(), user.disabled());
    }

    /**
     * The same caller as the REST API knows it, so that pages act through the API's own code (its checks, its
     * audit records): an administrator acts with the admin scope, everyone with the tunnels scope. There is no
     * token behind a web session ({@code tokenId} 0).
     */
    public ApiPrincipal asApiPrincipal() {
        Set<Scope> scopes = administrator ? EnumSet.allOf(Scope.class) : EnumSet.of(Scope.TUNNELS);
        return new ApiPrincipal(userId, username, administrator, 0, scopes);
    }

    @Override
    public Collection<? extends GrantedAuthority> getAuthorities() {
        return administrator
                ? List.of(new SimpleGrantedAuthority("ROLE_ADMIN"), new SimpleGrantedAuthority("ROLE_USER"))
                : List.of(new SimpleGrantedAuthority("ROLE_USER"));
    }

    @Override
    public String getPassword() {
        return passwordHash;
    }

    @Override
    public String getUsername() {
        return username;
    }

    @Override
    public boolean isEnabled() {
        return !disabled;
    }

    @Override
    public String toString() {
        return "WebUser[" + username + "]"; // never the hash
    }
}
