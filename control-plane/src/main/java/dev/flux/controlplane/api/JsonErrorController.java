package dev.flux.controlplane.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Answers the container's error dispatch (errors raised outside a controller, e.g. in a filter) with an
 * {@link ApiError} instead of Boot's default error page.
 */
@RestController
class JsonErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<ApiError> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        HttpStatus status = code instanceof Integer i ? HttpStatus.resolve(i) : null;
        if (status == null) {
            status = HttpStatus.INTERNAL_SERVER_ERROR;
        }
        String message = status.is5xxServerError()
                ? "the control plane failed to handle the request; the details are in its log"
                : "the request failed: " + status.value() + " " + status.getReasonPhrase();
        return ResponseEntity.status(status)
                .body(new ApiError(status.name().toLowerCase(Locale.ROOT), message));
    }
}
