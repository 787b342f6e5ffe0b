package dev.flux.controlplane.web;

import dev.flux.controlplane.api.ApiException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * How a form post ends: the action runs through the API's own code and the browser is redirected back to the
 * list (post/redirect/get); a refusal the user can correct (a taken name, a quota) comes back as the flash message
 * {@code error}; "not yours" and "not allowed" become the 404/403 error page.
 */
@Component
class PageActions {

    private final Validator validator;

    PageActions(Validator validator) {
        this.validator = validator;
    }

    /** Checks the bean-validation constraints of a request record the REST API would check for its JSON. */
    <T> T valid(T request) {
        Set<ConstraintViolation<T>> violations = validator.validate(request);
        if (!violations.isEmpty()) {
            throw ApiException.badRequest(violations.stream()
                    .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                    .map(v -> v.getPropertyPath() + ": " + v.getMessage())
                    .collect(Collectors.joining("; ")));
        }
        return request;
    }

    String run(RedirectAttributes flash, String redirectTo, Runnable action) {
        try {
            action.run();
        } catch (ApiException e) {
            if (e.status() == HttpStatus.NOT_FOUND || e.status() == HttpStatus.FORBIDDEN) {
                throw e;
            }
            flash.addFlashAttribute("error", e.body().message());
        }
        return "redirect:" + redirectTo;
    }
}
