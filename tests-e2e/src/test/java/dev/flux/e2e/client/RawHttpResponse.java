package dev.flux.e2e.client;

import dev.flux.e2e.framework.BodyDigest;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 response read from a socket: status and headers parsed, the body left on the wire as a stream
 * delimited by its Content-Length, its chunked encoding or the end of the connection.
 */
public final class RawHttpResponse implements AutoCloseable {

    private static final int MAX_TEXT_BODY = 1024 * 1024;

    private final Socket socket;
    private final int status;
    private final Map<String, List<String>> headers;
    private final InputStream body;

    private RawHttpResponse(Socket socket, int status, Map<String, List<String>> headers, InputStream body) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.body = body;
    }

    static RawHttpResponse read(Socket socket) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String statusLine;
        int status;
        Map<String, List<String>> headers;
        do { // 1xx answers precede the real one
            statusLine = HttpBodies.readLine(in);
            if (statusLine == null) {
                throw new IOException("connection closed before a response came");
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: '" + statusLine + "'");
            }
            status = Integer.parseInt(parts[1]);
            headers = readHeaders(in);
        } while (status >= 100 && status < 200 && status != 101);
        return new RawHttpResponse(socket, status, headers, HttpBodies.delimited(in, headers));
    }

    private static Map<String, List<String>> readHeaders(InputStream in) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line; (line = HttpBodies.readLine(in)) != null && !line.isEmpty(); ) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: '" + line + "'");
            }
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    public int status() {
        return status;
    }

    /** The first value of a header (any case), or null. */
    public String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : values.get(0);
    }

    /** The body as it arrives, without its framing. */
    public InputStream body() {
        return body;
    }

    /** Reads the whole body as UTF-8 text; for bodies up to 1 MiB. */
    public String bodyText() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
                if (out.size() > MAX_TEXT_BODY) {
                    throw new IllegalStateException("body is over " + MAX_TEXT_BODY + " bytes; use bodyDigest()");
                }
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the {@code key=value} lines of a text body (what the local test services answer) into a map. */
    public Map<String, String> bodyProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        for (String line : bodyText().split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                props.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return props;
    }

    /** Reads the whole body, keeping only its length and SHA-256. */
    public BodyDigest bodyDigest() {
        return BodyDigest.of(body);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    @Override
    public String toString() {
        return status + " " + headers;
    }
}
