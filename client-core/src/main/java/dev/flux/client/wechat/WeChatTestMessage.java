package dev.flux.client.wechat;

import dev.flux.client.HttpExchange;
import dev.flux.client.HttpExchangeReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;

/**
 * A sample message as WeChat would send it to a server: signed with the tunnel's token, fresh timestamp and nonce,
 * and encrypted (with {@code msg_signature}) when the tunnel's WeChat mode has an EncodingAESKey.
 *
 * @param query the query string WeChat appends to the server URL
 * @param body  the XML body
 */
public record WeChatTestMessage(String query, String body) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final String CONTENT_TYPE = "text/xml";
    private static final String USER_AGENT = "Mozilla/4.0 (FLUX WeChat test message)";
    /** How much of the server's answer is kept. */
    private static final int MAX_ANSWER_BYTES = 1024 * 1024;

    /** The answer of the developer's server, through the tunnel. */
    public record Result(String url, int status, long durationMillis, String body) {
    }

    /**
     * Builds a message.
     *
     * @param type    {@code text} (a user's message with {@code content}) or {@code event} (a {@code subscribe}
     *                event, or the event named by {@code content})
     * @param openId  the sending user's OpenID
     */
    public static WeChatTestMessage build(WeChatConfig config, String type, String content, String openId,
                                          long timestampSeconds) {
        if (!"text".equals(type) && !"event".equals(type)) {
            throw new IllegalArgumentException("message type '" + type + "' is not known (expected: text, event)");
        }
        String timestamp = Long.toString(timestampSeconds);
        String nonce = Long.toString(1_000_000_000L + RANDOM.nextInt(1_000_000_000));
        String toUser = config.appId() != null ? config.appId() : "gh_flux_test";
        StringBuilder xml = new StringBuilder("<xml>")
                .append("<ToUserName>").append(WeChatMessage.cdata(toUser)).append("</ToUserName>")
                .append("<FromUserName>").append(WeChatMessage.cdata(openId)).append("</FromUserName>")
                .append("<CreateTime>").append(timestamp).append("</CreateTime>");
        if ("text".equals(type)) {
            xml.append("<MsgType>").append(WeChatMessage.cdata("text")).append("</MsgType>")
                    .append("<Content>").append(WeChatMessage.cdata(content == null ? "hello from FLUX" : content))
                    .append("</Content>")
                    .append("<MsgId>").append(Math.abs(RANDOM.nextLong() % 100_000_000_000_000_000L))
                    .append("</MsgId>");
        } else {
            xml.append("<MsgType>").append(WeChatMessage.cdata("event")).append("</MsgType>")
                    .append("<Event>").append(WeChatMessage.cdata(content == null ? "subscribe" : content))
                    .append("</Event>");
        }
        xml.append("</xml>");
        String signature = WeChatSignature.sign(config.token(), timestamp, nonce);
        String query = "signature=" + signature + "&timestamp=" + timestamp + "&nonce=" + nonce + "&openid="
                + openId;
        if (!config.encrypted()) {
            return new WeChatTestMessage(query, xml.toString());
        }
        String encrypt = new WeChatCrypto(config.encodingAesKey(), config.appId()).encrypt(xml.toString());
        String body = "<xml><ToUserName>" + WeChatMessage.cdata(toUser) + "</ToUserName><Encrypt>"
                + WeChatMessage.cdata(encrypt) + "</Encrypt></xml>";
        query += "&encrypt_type=aes&msg_signature=" + WeChatSignature.sign(config.token(), timestamp, nonce, encrypt);
        return new WeChatTestMessage(query, body);
    }

    /**
     * POSTs the message to the server URL (the tunnel's public URL and path) and waits for the answer. Host names
     * under {@code localhost} (a local stack's {@code http://demo.localhost:7080}) are reached on the loopback
     * address, as browsers do (RFC 6761), since the system resolver may not know them.
     *
     * @throws IOException when the URL cannot be reached
     */
    public Result send(URI serverUrl) throws IOException, InterruptedException {
        String base = serverUrl.toString();
        URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + query);
        long start = System.nanoTime();
        if ("http".equalsIgnoreCase(uri.getScheme()) && isLocalhostName(uri.getHost())) {
            return sendToLoopback(uri, start);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .timeout(READ_TIMEOUT)
                .header("Content-Type", CONTENT_TYPE)
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Result(uri.toString(), response.statusCode(), (System.nanoTime() - start) / 1_000_000,
                response.body());
    }

    static boolean isLocalhostName(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.endsWith(".localhost");
    }

    private Result sendToLoopback(URI uri, long start) throws IOException {
        int port = uri.getPort() == -1 ? 80 : uri.getPort();
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + "?" + uri.getRawQuery();
        String head = "POST " + target + " HTTP/1.1\r\n"
                + "Host: " + uri.getRawAuthority() + "\r\n"
                + "Content-Type: " + CONTENT_TYPE + "\r\n"
                + "User-Agent: " + USER_AGENT + "\r\n"
                + "Content-Length: " + content.length + "\r\n"
                + "Connection: close\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(content);
        HttpExchange exchange;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                    (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            exchange = new HttpExchangeReader("wechat-test-message", MAX_ANSWER_BYTES)
                    .exchange(socket, request.toByteArray(), MAX_ANSWER_BYTES);
        }
        if (exchange == null || exchange.status() == 0) {
            throw new IOException("the connection closed before an answer");
        }
        String answer = exchange.response() == null ? ""
                : new String(exchange.response().body(), StandardCharsets.UTF_8);
        return new Result(uri.toString(), exchange.status(), (System.nanoTime() - start) / 1_000_000, answer);
    }
}
