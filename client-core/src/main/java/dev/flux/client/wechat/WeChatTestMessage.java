package dev.flux.client.wechat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * A sample message as WeChat would send it to a server: signed with the tunnel's token, fresh timestamp and nonce,
 * and encrypted (with {@code msg_signature}) when the tunnel's WeChat mode has an EncodingAESKey.
 *
 * @param query the query string WeChat appends to the server URL
 * @param body  the XML body
 */
public record WeChatTestMessage(String query, String body) {

    private static final SecureRandom RANDOM = new SecureRandom();

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
     * POSTs the message to the server URL (the tunnel's public URL and path) and waits for the answer.
     *
     * @throws IOException when the URL cannot be reached
     */
    public Result send(URI serverUrl) throws IOException, InterruptedException {
        String base = serverUrl.toString();
        URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + query);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long start = System.nanoTime();
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "text/xml")
                .header("User-Agent", "Mozilla/4.0 (FLUX WeChat test message)")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Result(uri.toString(), response.statusCode(), (System.nanoTime() - start) / 1_000_000,
                response.body());
    }
}
