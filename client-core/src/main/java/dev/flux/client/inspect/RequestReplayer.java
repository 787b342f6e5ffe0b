package dev.flux.client.inspect;

import dev.flux.client.HttpExchange;
import dev.flux.client.HttpExchangeReader;
import dev.flux.client.HttpHeader;
import dev.flux.client.HttpMessageCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sends a captured request again, as it was or edited, straight to the tunnel's local service (not through the
 * node), and keeps the exchange in the {@link RequestCapture} marked as a replay of the original.
 */
public final class RequestReplayer {

    static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    static final int READ_TIMEOUT_MILLIS = 30_000;
    /** Replays read at most this much of a response; the rest is left unread. */
    static final int MAX_RESPONSE_BYTES = 32 * 1024 * 1024;
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "upgrade", "content-length", "expect", "trailer");
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

    private final RequestCapture capture;

    public RequestReplayer(RequestCapture capture) {
        this.capture = capture;
    }

    /** Why a replay was not made; the message says what to do. */
    public static final class ReplayException extends Exception {
        private final String code;

        public ReplayException(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * Replays {@code original} to {@code host:port}.
     *
     * @return the new exchange, kept in the capture with {@code replayOf} set
     * @throws ReplayException when the edit is invalid, the body was not kept whole, or the service cannot be reached
     */
    public CapturedExchange replay(CapturedExchange original, ReplayEdit edit, String host, int port)
            throws ReplayException {
        String method = edit.method() != null ? edit.method().trim() : original.method();
        if (!method.matches(TOKEN)) {
            throw new ReplayException("invalid_method", "method '" + method + "' is not an HTTP method (expected: "
                    + "such as GET or POST)");
        }
        String target = edit.path() != null ? edit.path().trim() : original.target();
        if (!target.startsWith("/") || target.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new ReplayException("invalid_path", "path '" + target + "' must start with '/' and contain no "
                    + "spaces or control characters (encode them as %20)");
        }
        List<HttpHeader> headers = edit.headers() != null ? edit.headers()
                : original.request() == null ? List.of() : original.request().headers();
        for (HttpHeader h : headers) {
            if (h.name() == null || !h.name().matches(TOKEN) || h.value() == null
                    || h.value().indexOf('\r') >= 0 || h.value().indexOf('\n') >= 0) {
                throw new ReplayException("invalid_header", "header '" + h.name() + "' is not valid (expected: a "
                        + "name of letters, digits and -, and a value on one line)");
            }
        }
        byte[] body = body(original, edit);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        boolean hasHost = false;
        for (HttpHeader h : headers) {
            if (HOP_BY_HOP.contains(h.name().toLowerCase(Locale.ROOT))) {
                continue;
            }
            hasHost |= h.name().equalsIgnoreCase("host");
            head.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        if (!hasHost) {
            head.append("Host: ").append(host).append(':').append(port).append("\r\n");
        }
        if (body.length > 0 || !Set.of("GET", "HEAD", "DELETE", "OPTIONS", "TRACE").contains(method)) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        byte[] request = out.toByteArray();

        HttpExchangeReader reader = new HttpExchangeReader(original.tunnel(), capture.settings().maxBodyBytes());
        Instant time = Instant.now();
        long start = System.nanoTime();
        HttpExchange done;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            done = reader.exchange(socket, request, MAX_RESPONSE_BYTES);
        } catch (SocketTimeoutException e) {
            throw new ReplayException("local_service_timeout", "the local service at " + host + ":" + port
                    + " did not answer the replay in time");
        } catch (IOException e) {
            throw new ReplayException("local_service_unreachable", "cannot replay to the local service at "
                    + host + ":" + port + ": " + e.getMessage() + " (is it running?)");
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        HttpMessageCapture requestCapture = done != null ? done.request()
                : new HttpMessageCapture(List.of(), new byte[0], 0, false);
        return capture.add(original.tunnel(), method, target, done == null ? 0 : done.status(), millis, time,
                requestCapture, done == null ? null : done.response(), original.id());
    }

    private static byte[] body(CapturedExchange original, ReplayEdit edit) throws ReplayException {
        if (edit.body() != null && edit.bodyBase64() != null) {
            throw new ReplayException("invalid_body", "give the new body as 'body' or as 'bodyBase64', not both");
        }
        if (edit.body() != null) {
            return edit.body().getBytes(StandardCharsets.UTF_8);
        }
        if (edit.bodyBase64() != null) {
            try {
                return Base64.getDecoder().decode(edit.bodyBase64());
            } catch (IllegalArgumentException e) {
                throw new ReplayException("invalid_body", "bodyBase64 is not base64: " + e.getMessage());
            }
        }
        HttpMessageCapture request = original.request();
        if (request == null) {
            return new byte[0];
        }
        if (request.truncated()) {
            throw new ReplayException("body_truncated", "request " + original.id() + "'s body was kept only in "
                    + "part (" + request.body().length + " of " + request.bodySize() + " bytes): replay it with an "
                    + "edited body, or raise inspect.maxBodyBytes");
        }
        return request.body();
    }
}
