package dev.flux.controlplane.security;

import java.util.stream.Collectors;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** An authenticated API request: the principal, with one authority per effective scope. */
final class ApiTokenAuthentication extends AbstractAuthenticationToken {

    private static final long serialVersionUID = 1L;

    private final ApiPrincipal principal;

    ApiTokenAuthentication(ApiPrincipal principal) {
        super(principal.scopes().stream().map(s -> new SimpleGrantedAuthority(s.authority()))
                .collect(Collectors.toList()));
        this.principal = principal;
        setAuthenticated(true);
    }

    @Override
    public Object getCredentials() {
        return "";
    }

    @Override
    public ApiPrincipal getPrincipal() {
        return principal;
    }

    @Override
    public String getName() {
        return principal.username();
    }
}
