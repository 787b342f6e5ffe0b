package dev.flux.controlplane.security;

import dev.flux.controlplane.audit.AuditLog;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.security.authentication.DisabledException;
import org.springframework.security.authentication.LockedException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;

/**
 * What happens after a web sign-in attempt: every attempt is audited with the client's address; a success goes
 * to the page asked for (or to the change-password page when a one-time password was used); a failure goes back
 * to the sign-in page with a sentence saying why (the session attribute {@value #MESSAGE}).
 */
final class WebSignInHandlers implements AuthenticationSuccessHandler, AuthenticationFailureHandler {

    /** The session attribute the sign-in page reads the last failure from. */
    static final String MESSAGE = "flux.signInMessage";

    private final AuditLog audit;
    private final UserRepository users;
    private final SavedRequestAwareAuthenticationSuccessHandler saved = new SavedRequestAwareAuthenticationSuccessHandler();

    WebSignInHandlers(AuditLog audit, UserRepository users) {
        this.audit = audit;
        this.users = users;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                                        Authentication authentication) throws IOException, ServletException {
        WebUser user = (WebUser) authentication.getPrincipal();
        audit.record(user.username(), "sign-in", user.username(), Map.of("via", "web"));
        request.getSession().removeAttribute(MESSAGE);
        boolean mustChange = users.findById(user.userId()).map(User::mustChangePassword).orElse(false);
        if (mustChange) {
            response.sendRedirect(request.getContextPath() + SessionUserGate.CHANGE_PASSWORD_PAGE);
            return;
        }
        saved.onAuthenticationSuccess(request, response, authentication);
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        String username = request.getParameter("username") == null ? "" : request.getParameter("username").trim();
        String reason;
        String message;
        if (exception instanceof LockedException) {
            reason = "locked";
            message = exception.getMessage();
        } else if (exception instanceof DisabledException) {
            reason = "account disabled";
            message = "the account '" + username + "' is disabled; ask an administrator";
        } else {
            reason = "wrong credentials";
            message = "wrong username or password";
        }
        audit.record(username.isEmpty() ? "anonymous" : username, "sign-in.failed", username,
                Map.of("reason", reason, "via", "web"));
        request.getSession().setAttribute(MESSAGE, message);
        request.getSession().removeAttribute(WebAttributes.AUTHENTICATION_EXCEPTION);
        response.sendRedirect(request.getContextPath() + "/sign-in?error");
    }
}
