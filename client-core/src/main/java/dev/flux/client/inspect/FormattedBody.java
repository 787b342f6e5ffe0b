package dev.flux.client.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A body as the inspector shows it.
 *
 * @param kind      {@code empty}, {@code json}, {@code xml}, {@code form}, {@code text}, {@code binary} or
 *                  {@code gzip}
 * @param size      the body's full size in bytes
 * @param captured  how many bytes of it were kept
 * @param truncated whether only the first {@code captured} bytes were kept
 * @param encoding  the content coding when it is not identity, such as {@code gzip, 812 bytes}, else null
 * @param text      the readable view: pretty JSON, XML or form fields, text, or a hex dump for binary
 * @param base64    the captured bytes as sent, for copying and replay
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FormattedBody(String kind, long size, int captured, boolean truncated, String encoding, String text,
                            String base64) {
}
