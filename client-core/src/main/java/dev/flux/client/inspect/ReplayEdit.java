package dev.flux.client.inspect;

import dev.flux.client.HttpHeader;
import java.util.List;

/**
 * Changes to a captured request before it is replayed; every null component keeps the original.
 *
 * @param method     such as {@code POST}
 * @param path       the request target, path and query, starting with {@code /}
 * @param headers    replace all header fields ({@code Content-Length} and {@code Connection} are set by the replay)
 * @param body       a new body as UTF-8 text
 * @param bodyBase64 a new body as base64, for binary bodies; not with {@code body}
 */
public record ReplayEdit(String method, String path, List<HttpHeader> headers, String body, String bodyBase64) {

    public static final ReplayEdit NONE = new ReplayEdit(null, null, null, null, null);
}
