package dev.flux.client;

import java.util.List;

/**
 * The head and the start of the body of one HTTP message an http tunnel relayed, kept for the request inspector.
 *
 * @param headers   the header fields in order, names as written
 * @param body      the first bytes of the body, chunked coding removed (content codings such as gzip are kept)
 * @param bodySize  the body's full size in bytes (after removing chunked coding)
 * @param truncated whether {@code body} holds less than {@code bodySize} bytes
 */
public record HttpMessageCapture(List<HttpHeader> headers, byte[] body, long bodySize, boolean truncated) {

    public HttpMessageCapture {
        headers = List.copyOf(headers);
    }

    /** The first value of a header, compared without case, or null. */
    public String header(String name) {
        for (HttpHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
