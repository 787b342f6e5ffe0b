package dev.flux.controlplane.api;

import org.springframework.http.HttpStatus;

/**
 * A refusal the API reports as {@link ApiError} with its HTTP status. Thrown by controllers and the code they call;
 * {@link ApiErrorHandler} turns it into the response. Messages name the value concerned and are shown to users.
 */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final HttpStatus status;
    private final String error;

    public ApiException(HttpStatus status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    /** 404: {@code what} (e.g. "tunnel 12") does not exist, or is not visible to the caller. */
    public static ApiException notFound(String what) {
        return new ApiException(HttpStatus.NOT_FOUND, "not_found", what + " does not exist");
    }

    /** 409: something the request names is held by someone else. */
    public static ApiException conflict(String error, String message) {
        return new ApiException(HttpStatus.CONFLICT, error, message);
    }

    /** 422: the request is well-formed but breaks a rule (a quota, a range). */
    public static ApiException unprocessable(String error, String message) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, error, message);
    }

    /** 400: the request itself is wrong. */
    public static ApiException badRequest(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "bad_request", message);
    }

    /** 403: the caller may not do this. */
    public static ApiException forbidden(String error, String message) {
        return new ApiException(HttpStatus.FORBIDDEN, error, message);
    }

    public HttpStatus status() {
        return status;
    }

    public ApiError body() {
        return new ApiError(error, getMessage());
    }
}
