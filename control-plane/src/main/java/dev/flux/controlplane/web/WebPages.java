package dev.flux.controlplane.web;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.security.WebUser;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.ui.Model;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;

/**
 * What every page shares: the signed-in user ({@code me}, for the navigation by role), and the error page that
 * refusals of the API code underneath become (a 404 for another user's thing, a 403 for a page of another role),
 * with the API's sentence and never a stack trace. Ahead of the REST API's JSON error handler for these pages.
 */
@ControllerAdvice(basePackageClasses = WebPages.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class WebPages {

    private static final Logger log = LoggerFactory.getLogger(WebPages.class);

    @ModelAttribute("me")
    @Nullable WebUser me(@AuthenticationPrincipal @Nullable WebUser me) {
        return me;
    }

    @ExceptionHandler
    String refused(ApiException e, HttpServletResponse response, Model model) {
        return error(response, model, e.status().value(), e.body().message());
    }

    @ExceptionHandler
    String badParameter(MethodArgumentTypeMismatchException e, HttpServletResponse response, Model model) {
        return error(response, model, 400, e.getName() + ": '" + e.getValue() + "' is not a valid value");
    }

    @ExceptionHandler
    String missingParameter(MissingServletRequestParameterException e, HttpServletResponse response, Model model) {
        return error(response, model, 400, "the field '" + e.getParameterName() + "' is missing");
    }

    @ExceptionHandler
    String unexpected(Exception e, HttpServletResponse response, Model model) {
        log.error("page failed", e);
        return error(response, model, 500, "the control plane failed to show this page; the details are in its log");
    }

    static String error(HttpServletResponse response, Model model, int status, String message) {
        response.setStatus(status);
        model.addAttribute("status", status);
        model.addAttribute("message", message);
        return "error-page";
    }
}
