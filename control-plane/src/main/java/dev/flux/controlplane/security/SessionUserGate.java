package dev.flux.controlplane.security;

import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.HttpSessionSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Checks a signed-in web session against the account on every request: a disabled or deleted account is signed
 * out at once, a changed role takes effect at once, and a user who must change the password sees only the
 * change-password page (and can sign out) until it is done. Not a bean: it runs inside the web filter chain only.
 */
final class SessionUserGate extends OncePerRequestFilter {

    static final String CHANGE_PASSWORD_PAGE = "/account/password";
    private static final Set<String> ALLOWED_BEFORE_CHANGE = Set.of(CHANGE_PASSWORD_PAGE, "/sign-out", "/forbidden");

    private final UserRepository users;
    private final SecurityContextRepository contexts = new HttpSessionSecurityContextRepository();

    SessionUserGate(UserRepository users) {
        this.users = users;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (authentication == null || !(authentication.getPrincipal() instanceof WebUser signedIn)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<User> found = users.findById(signedIn.userId());
        if (found.isEmpty() || found.get().disabled()) {
            SecurityContextHolder.clearContext();
            if (request.getSession(false) != null) {
                request.getSession(false).invalidate();
            }
            response.sendRedirect(request.getContextPath() + "/sign-in?disabled");
            return;
        }
        User user = found.get();
        if (user.isAdmin() != signedIn.administrator()) {
            WebUser updated = WebUser.of(user);
            SecurityContext context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(updated, null,
                    updated.getAuthorities()));
            SecurityContextHolder.setContext(context);
            contexts.saveContext(context, request, response);
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (user.mustChangePassword() && !ALLOWED_BEFORE_CHANGE.contains(path) && !isStatic(path)) {
            response.sendRedirect(request.getContextPath() + CHANGE_PASSWORD_PAGE);
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean isStatic(String path) {
        return path.startsWith("/css/") || path.startsWith("/js/") || path.startsWith("/webjars/") || path.startsWith("/favicon");
    }
}
