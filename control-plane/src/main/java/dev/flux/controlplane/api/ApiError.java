package dev.flux.controlplane.api;

/**
 * The body of every error response: a stable machine-readable code and a sentence for people.
 *
 * @param error a short code in snake_case, e.g. {@code subdomain_taken}, {@code quota_exceeded}
 * @param message what went wrong, naming the value involved, e.g. "subdomain 'wx' is taken"
 */
public record ApiError(String error, String message) {
}
