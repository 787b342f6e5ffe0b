package dev.flux.e2e.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An HTTP/1.1 request as bytes on a socket: any {@code Host} header (the node routes by it), any extra header, and
 * a body streamed from an {@link InputStream} with a {@code Content-Length} or chunked. Always
 * {@code Connection: close}: one request per connection.
 */
public final class RawHttpRequest {

    /** How a request body is delimited. */
    public enum Framing { CONTENT_LENGTH, CHUNKED }

    private static final int CHUNK_SIZE = 16 * 1024;

    private final String method;
    private final String host;
    private final String target;
    private final List<String> headerLines = new ArrayList<>();
    private InputStream body;
    private long bodyLength;
    private Framing framing = Framing.CONTENT_LENGTH;

    private RawHttpRequest(String method, String host, String target) {
        this.method = method;
        this.host = host;
        this.target = target;
    }

    /** A GET of {@code target} (path and query) with {@code Host: host}. */
    public static RawHttpRequest get(String host, String target) {
        return new RawHttpRequest("GET", host, target);
    }

    /** A POST whose body is the {@code length} bytes of {@code body}. */
    public static RawHttpRequest post(String host, String target, InputStream body, long length, Framing framing) {
        RawHttpRequest r = new RawHttpRequest("POST", host, target);
        r.body = body;
        r.bodyLength = length;
        r.framing = framing;
        return r;
    }

    public RawHttpRequest header(String name, String value) {
        headerLines.add(name + ": " + value);
        return this;
    }

    void writeTo(OutputStream out) throws IOException {
        StringBuilder head = new StringBuilder(256)
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("Connection: close\r\n");
        if (body != null) {
            head.append(framing == Framing.CHUNKED ? "Transfer-Encoding: chunked" : "Content-Length: " + bodyLength)
                    .append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (body != null) {
            if (framing == Framing.CHUNKED) {
                writeChunked(out);
            } else {
                long copied = body.transferTo(out);
                if (copied != bodyLength) {
                    throw new IllegalStateException("body had " + copied + " bytes, declared " + bodyLength);
                }
            }
        }
        out.flush();
    }

    private void writeChunked(OutputStream out) throws IOException {
        byte[] chunk = new byte[CHUNK_SIZE];
        for (int n; (n = body.readNBytes(chunk, 0, CHUNK_SIZE)) > 0; ) {
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(chunk, 0, n);
            out.write('\r');
            out.write('\n');
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Override
    public String toString() {
        return method + " " + target + " Host: " + host + (body == null ? "" : " (" + bodyLength + " bytes, " + framing + ")");
    }
}
