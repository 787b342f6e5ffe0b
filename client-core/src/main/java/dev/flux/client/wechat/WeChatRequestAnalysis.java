package dev.flux.client.wechat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the inspector shows of a request WeChat sent (or seems to have sent) to an http tunnel in WeChat mode.
 *
 * @param kind              {@code verification} (GET with {@code echostr}) or {@code message} (POST)
 * @param signature         the check of {@code signature}
 * @param msgSignature      the check of {@code msg_signature} (safe mode), else null
 * @param echostr           what a verification expects back, else null
 * @param encrypted         whether the body carries an {@code Encrypt} element
 * @param message           the message (decrypted in safe mode), else null
 * @param fields            the message's fields, else null
 * @param error             why the message could not be read or decrypted, else null
 * @param retryKey          the same message's retries share it: {@code MsgId}, else {@code FromUserName+CreateTime}
 * @param deadlineMillis    how long WeChat waits for the answer
 * @param overDeadline      whether the answer took longer: WeChat gave up and will retry
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WeChatRequestAnalysis(String kind, WeChatSignature.Check signature,
                                    WeChatSignature.Check msgSignature, String echostr, boolean encrypted,
                                    String message, Map<String, String> fields, String error, String retryKey,
                                    long deadlineMillis, boolean overDeadline) {

    /** WeChat gives a server 5 seconds to answer a message. */
    public static final long DEADLINE_MILLIS = 5_000;

    /**
     * Looks at a request; null when it carries none of WeChat's query parameters.
     *
     * @param target the request target, path and query
     */
    public static WeChatRequestAnalysis of(WeChatConfig config, String method, String target, String body,
                                           long durationMillis) {
        Map<String, String> q = query(target);
        if (!q.containsKey("signature") && !q.containsKey("msg_signature")) {
            return null;
        }
        String token = config == null ? null : config.token();
        WeChatSignature.Check sig = WeChatSignature.check(token, q.get("timestamp"), q.get("nonce"),
                q.get("signature"));
        boolean over = durationMillis > DEADLINE_MILLIS;
        if ("GET".equals(method)) {
            return new WeChatRequestAnalysis("verification", sig, null, q.get("echostr"), false, null, null,
                    q.containsKey("echostr") ? null : "a verification request carries echostr; this one has none",
                    null, DEADLINE_MILLIS, over);
        }
        String message = body;
        String error = null;
        Map<String, String> fields = null;
        WeChatSignature.Check msgSig = null;
        boolean encrypted = false;
        try {
            fields = WeChatMessage.fields(body == null ? "" : body);
            String encrypt = fields.get("Encrypt");
            if (encrypt != null) {
                encrypted = true;
                msgSig = WeChatSignature.checkMessage(token, q.get("timestamp"), q.get("nonce"), encrypt,
                        q.get("msg_signature"));
                if (config == null || !config.encrypted()) {
                    error = "the message is encrypted: set the EncodingAESKey of this tunnel's WeChat mode to read it";
                    fields = null;
                } else {
                    message = new WeChatCrypto(config.encodingAesKey(), config.appId()).decrypt(encrypt).message();
                    fields = WeChatMessage.fields(message);
                }
            }
        } catch (IllegalArgumentException e) {
            error = e.getMessage();
            if (encrypted) {
                fields = null;
            }
        }
        String retryKey = null;
        if (fields != null) {
            if (fields.containsKey("MsgId")) {
                retryKey = "MsgId:" + fields.get("MsgId");
            } else if (fields.containsKey("FromUserName") && fields.containsKey("CreateTime")) {
                retryKey = fields.get("FromUserName") + "+" + fields.get("CreateTime");
            }
        }
        return new WeChatRequestAnalysis("message", sig, msgSig, null, encrypted, encrypted && error != null
                ? null : message, fields, error, retryKey, DEADLINE_MILLIS, over);
    }

    static Map<String, String> query(String target) {
        Map<String, String> out = new HashMap<>();
        int q = target.indexOf('?');
        if (q < 0) {
            return out;
        }
        for (String pair : target.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v,
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                out.putIfAbsent(k, v);
            }
        }
        return out;
    }
}
