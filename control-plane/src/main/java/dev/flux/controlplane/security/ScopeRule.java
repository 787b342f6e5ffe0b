package dev.flux.controlplane.security;

import java.util.List;
import java.util.Optional;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/** Which scope the endpoints under a path need. The security configuration and its 403 messages both use these. */
record ScopeRule(String pattern, Scope scope) {

    static final List<ScopeRule> ALL = List.of(
            new ScopeRule("/api/v1/users/**", Scope.ADMIN),
            new ScopeRule("/api/v1/nodes/**", Scope.ADMIN),
            new ScopeRule("/api/v1/audit/**", Scope.ADMIN),
            new ScopeRule("/api/v1/tunnels/**", Scope.TUNNELS),
            new ScopeRule("/api/v1/reservations/**", Scope.TUNNELS),
            new ScopeRule("/api/v1/visits/**", Scope.TUNNELS),
            new ScopeRule("/api/v1/certificates/**", Scope.TUNNELS));

    RequestMatcher matcher() {
        return PathPatternRequestMatcher.withDefaults().matcher(pattern);
    }

    /** The scope {@code request} needs, if a rule names one. */
    static Optional<Scope> requiredBy(HttpServletRequest request) {
        return ALL.stream().filter(rule -> rule.matcher().matches(request)).map(ScopeRule::scope).findFirst();
    }
}
