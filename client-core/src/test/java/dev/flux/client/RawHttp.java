package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/1.1 on raw sockets for the load-balancing tests: requests and responses read off keep-alive connections by
 * their framing, and {@link Member}, a local web service that says which group member answered.
 */
final class RawHttp {

    private RawHttp() {
    }

    /** A request for {@code host}; a body gets a Content-Length; {@code headers} are complete header lines. */
    static byte[] request(String method, String host, String path, String body, String... headers) {
        StringBuilder head = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        if (!body.isEmpty()) {
            head.append("Content-Length: ").append(body.length()).append("\r\n");
        }
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        return (head + "\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                String s = line.toString(StandardCharsets.US_ASCII);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
    }

    /** Header lines up to the blank line, by lower-case name. */
    static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h; (h = readLine(in)) != null && !h.isEmpty(); ) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
        }
        return headers;
    }

    /** A response read off a keep-alive connection by its framing. */
    record Response(int status, Map<String, String> headers, String body) {
        static Response read(InputStream in, String method) throws IOException {
            String status = readLine(in);
            assertThat(status).as("a status line").isNotNull().startsWith("HTTP/1.1 ");
            Map<String, String> headers = readHeaders(in);
            String body;
            if (method.equals("HEAD")) {
                body = "";
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                StringBuilder b = new StringBuilder();
                for (int n; (n = Integer.parseInt(readLine(in), 16)) > 0; ) {
                    b.append(new String(in.readNBytes(n), StandardCharsets.US_ASCII));
                    readLine(in);
                }
                readLine(in);
                body = b.toString();
            } else {
                body = new String(in.readNBytes(Integer.parseInt(headers.getOrDefault("content-length", "0"))),
                        StandardCharsets.US_ASCII);
            }
            return new Response(Integer.parseInt(status.split(" ")[1]), headers, body);
        }

        /** Which member answered ({@code X-Served-By}). */
        String servedBy() {
            return headers.get("x-served-by");
        }
    }

    /**
     * A group member's local web service on 127.0.0.1, answering keep-alive requests with its id: the body is the id
     * ({@code POST}: id + ":" + the request body), framed as the path asks ({@code /chunked}), {@code /big} is
     * {@link #bigBody} bytes, {@code /health} answers {@link #healthStatus}. Every answer names the member
     * ({@code X-Served-By}), the path, and the {@code X-Forwarded-Proto} and {@code Authorization} the service saw. A
     * WebSocket upgrade is accepted and each line then echoed back marked with the id. {@code Connection: close} closes
     * the connection after the answer.
     */
    static final class Member implements AutoCloseable {
        final String id;
        final ServerSocket server;
        final AtomicInteger healthStatus = new AtomicInteger(200);
        /** Connections accepted: one per stream the node opened to the agent. */
        final AtomicInteger accepted = new AtomicInteger();
        volatile int bigBody = 1024;
        private final ExecutorService pool = Executors.newCachedThreadPool();

        Member(String id) throws IOException {
            this.id = id;
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            pool.submit(() -> {
                while (!server.isClosed()) {
                    Socket c = server.accept();
                    accepted.incrementAndGet();
                    pool.submit(() -> serve(c));
                }
                return null;
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private Void serve(Socket c) throws IOException {
            try (c) {
                InputStream in = c.getInputStream();
                var out = c.getOutputStream();
                while (true) {
                    String line = readLine(in);
                    if (line == null || line.isEmpty()) {
                        return null;
                    }
                    String[] parts = line.split(" ");
                    Map<String, String> headers = readHeaders(in);
                    if ("websocket".equalsIgnoreCase(headers.get("upgrade"))) {
                        // raw bytes from now on: echo each line, marked with the member's id
                        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                + "X-Served-By: " + id + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        for (String l; (l = readLine(in)) != null; ) {
                            out.write((id + ":" + l + "\n").getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                        return null;
                    }
                    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
                    String body = new String(in.readNBytes(length), StandardCharsets.US_ASCII);
                    String common = "X-Served-By: " + id + "\r\nX-Path: " + parts[1] + "\r\nX-Seen-Proto: "
                            + headers.get("x-forwarded-proto") + "\r\nX-Seen-Authorization: "
                            + headers.containsKey("authorization") + "\r\n";
                    String answer;
                    if (parts[1].equals("/health")) {
                        answer = "HTTP/1.1 " + healthStatus.get() + " Health\r\n" + common
                                + "Content-Length: 0\r\n\r\n";
                    } else if (parts[1].equals("/chunked")) {
                        String a = "chunk-" + id;
                        answer = "HTTP/1.1 200 OK\r\n" + common + "Transfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(a.length()) + "\r\n" + a + "\r\n4\r\n-end\r\n0\r\n\r\n";
                    } else {
                        String content = parts[1].equals("/big") ? "x".repeat(bigBody)
                                : parts[0].equals("POST") ? id + ":" + body : id;
                        answer = "HTTP/1.1 200 OK\r\n" + common + "Content-Length: " + content.length() + "\r\n\r\n"
                                + (parts[0].equals("HEAD") ? "" : content);
                    }
                    out.write(answer.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if ("close".equalsIgnoreCase(headers.get("connection"))) {
                        return null;
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            pool.shutdownNow();
        }
    }
}
