package dev.flux.controlplane.web;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.security.PasswordChanges;
import dev.flux.controlplane.security.WebUser;
import dev.flux.controlplane.user.User;
import dev.flux.controlplane.user.UserRepository;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.web.WebAttributes;
import org.springframework.security.web.csrf.CsrfException;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Signing in (the form; Spring Security handles its post), the change-password page, and the 403 page. */
@Controller
class AccountPages {

    /** Set by the security configuration's failure handler. */
    private static final String SIGN_IN_MESSAGE = "flux.signInMessage";

    private final UserRepository users;
    private final PasswordChanges passwordChanges;

    AccountPages(UserRepository users, PasswordChanges passwordChanges) {
        this.users = users;
        this.passwordChanges = passwordChanges;
    }

    @GetMapping("/sign-in")
    String signIn(HttpServletRequest request, Model model) {
        HttpSession session = request.getSession(false);
        if (request.getParameter("error") != null && session != null) {
            model.addAttribute("error", session.getAttribute(SIGN_IN_MESSAGE));
        }
        if (request.getParameter("disabled") != null) {
            model.addAttribute("error", "your account was disabled; you have been signed out");
        }
        if (request.getParameter("signed-out") != null) {
            model.addAttribute("notice", "you have signed out");
        }
        return "sign-in";
    }

    @GetMapping("/account/password")
    String passwordForm(@AuthenticationPrincipal WebUser me, Model model) {
        model.addAttribute("required", current(me).mustChangePassword());
        return "password";
    }

    @PostMapping("/account/password")
    String changePassword(@AuthenticationPrincipal WebUser me, @RequestParam String currentPassword,
                          @RequestParam String newPassword, @RequestParam String repeatPassword, Model model,
                          RedirectAttributes flash) {
        User user = current(me);
        try {
            if (!passwordChanges.matches(user, currentPassword)) {
                throw ApiException.unprocessable("wrong_password", "the current password is wrong");
            }
            if (!newPassword.equals(repeatPassword)) {
                throw ApiException.unprocessable("password_mismatch", "the two new passwords differ");
            }
            passwordChanges.change(user, currentPassword, newPassword);
        } catch (ApiException e) {
            model.addAttribute("required", user.mustChangePassword());
            model.addAttribute("error", e.body().message());
            return "password";
        }
        flash.addFlashAttribute("notice", "your password was changed");
        return "redirect:/";
    }

    /** Where Spring Security forwards a refused request: a missing role, or a form without a valid CSRF token. */
    @RequestMapping("/forbidden")
    String forbidden(HttpServletRequest request, HttpServletResponse response, Model model) {
        Object denied = request.getAttribute(WebAttributes.ACCESS_DENIED_403);
        String message = denied instanceof CsrfException
                ? "the form was not sent from a page of this control plane, or it expired; reload the page and try again"
                : "this page is for administrators";
        return WebPages.error(response, model, 403, message);
    }

    private User current(WebUser me) {
        return users.findById(me.userId()).orElseThrow(() -> ApiException.notFound("user " + me.userId()));
    }
}
