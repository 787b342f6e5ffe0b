package dev.flux.controlplane.api;

import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every exception a controller throws into an {@link ApiError}; no stack trace ever reaches a client. */
@RestControllerAdvice
class ApiErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandler.class);

    @ExceptionHandler
    ResponseEntity<ApiError> refused(ApiException e) {
        return ResponseEntity.status(e.status()).body(e.body());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> invalid(MethodArgumentNotValidException e) {
        String message = e.getBindingResult().getFieldErrors().stream()
                .map(ApiErrorHandler::describe)
                .collect(Collectors.joining("; "));
        if (message.isEmpty()) {
            message = e.getBindingResult().getAllErrors().get(0).getDefaultMessage();
        }
        return error(HttpStatus.BAD_REQUEST, "invalid_request", message);
    }

    @ExceptionHandler
    ResponseEntity<ApiError> invalidParameter(HandlerMethodValidationException e) {
        String message = e.getParameterValidationResults().stream()
                .map(r -> r.getMethodParameter().getParameterName() + ": "
                        + r.getResolvableErrors().get(0).getDefaultMessage())
                .collect(Collectors.joining("; "));
        return error(HttpStatus.BAD_REQUEST, "invalid_request", message);
    }

    @ExceptionHandler
    ResponseEntity<ApiError> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
            if (cause instanceof ApiException refusal) { // thrown by a type's JSON creator, e.g. an unknown kind
                return refused(refusal);
            }
        }
        return error(HttpStatus.BAD_REQUEST, "malformed_request",
                "the request body is not the JSON this endpoint expects");
    }

    @ExceptionHandler
    ResponseEntity<ApiError> typeMismatch(MethodArgumentTypeMismatchException e) {
        return error(HttpStatus.BAD_REQUEST, "malformed_request",
                e.getName() + ": '" + e.getValue() + "' is not a valid value");
    }

    @ExceptionHandler
    ResponseEntity<ApiError> missingParameter(MissingServletRequestParameterException e) {
        return error(HttpStatus.BAD_REQUEST, "malformed_request",
                "the query parameter '" + e.getParameterName() + "' is missing");
    }

    @ExceptionHandler
    ResponseEntity<ApiError> noSuchPath(NoResourceFoundException e) {
        return error(HttpStatus.NOT_FOUND, "not_found", "there is no endpoint /" + e.getResourcePath());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> wrongMethod(HttpRequestMethodNotSupportedException e) {
        return error(HttpStatus.METHOD_NOT_ALLOWED, "method_not_allowed",
                e.getMethod() + " is not supported here; use " + e.getSupportedHttpMethods());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> wrongMediaType(HttpMediaTypeNotSupportedException e) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type",
                "send the body as application/json");
    }

    @ExceptionHandler
    ResponseEntity<ApiError> denied(AccessDeniedException e) {
        return error(HttpStatus.FORBIDDEN, "forbidden", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> unauthenticated(AuthenticationException e) {
        return error(HttpStatus.UNAUTHORIZED, "unauthenticated", e.getMessage());
    }

    @ExceptionHandler
    ResponseEntity<ApiError> unexpected(Exception e) {
        log.error("request failed", e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "internal_error",
                "the control plane failed to handle the request; the details are in its log");
    }

    private static String describe(FieldError error) {
        return error.getField() + ": " + error.getDefaultMessage();
    }

    private static ResponseEntity<ApiError> error(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).body(new ApiError(error, message));
    }
}
