package dev.flux.client;

/**
 * One HTTP request an http tunnel served, as the agent saw it pass.
 *
 * @param tunnel         the tunnel's name
 * @param method         the request method, e.g. {@code GET}
 * @param path           the request target as sent, e.g. {@code /api/items?page=2}
 * @param status         the response status; 0 when the connection closed before a response began
 * @param durationMillis from the first byte of the request to the last byte of the response
 * @param startedAtMillis when the request's head arrived, in milliseconds since the epoch
 * @param request        the request's headers and body; null unless the listener asked for content
 *                       ({@link HttpExchangeListener#maxBodyBytes()})
 * @param response       the response's headers and body; null unless content was asked for or when there was no
 *                       response
 */
public record HttpExchange(String tunnel, String method, String path, int status, long durationMillis,
                           long startedAtMillis, HttpMessageCapture request, HttpMessageCapture response) {

    /** An exchange without content, as {@code fluxctl http} prints it. */
    public HttpExchange(String tunnel, String method, String path, int status, long durationMillis) {
        this(tunnel, method, path, status, durationMillis, 0, null, null);
    }
}
