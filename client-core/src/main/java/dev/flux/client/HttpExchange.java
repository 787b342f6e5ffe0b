package dev.flux.client;

/**
 * One HTTP request an http tunnel served, as the agent saw it pass.
 *
 * @param tunnel         the tunnel's name
 * @param method         the request method, e.g. {@code GET}
 * @param path           the request target as sent, e.g. {@code /api/items?page=2}
 * @param status         the response status; 0 when the connection closed before a response began
 * @param durationMillis from the first byte of the request to the last byte of the response
 */
public record HttpExchange(String tunnel, String method, String path, int status, long durationMillis) {
}
