package dev.flux.client.wechat;

/**
 * The WeChat mode of one http tunnel: what the developer entered in the WeChat admin console for the server URL.
 *
 * @param token          the Token (3..32 letters and digits)
 * @param encodingAesKey the 43-character EncodingAESKey of safe mode, or null for plain-text mode
 * @param appId          the AppID (safe mode puts it at the end of every message), or null
 */
public record WeChatConfig(String token, String encodingAesKey, String appId) {

    public WeChatConfig {
        if (token == null || !token.matches("[A-Za-z0-9]{3,32}")) {
            throw new IllegalArgumentException("WeChat token '" + token + "' is not valid (expected: 3 to 32 "
                    + "letters and digits, as entered in the WeChat admin console)");
        }
        if (encodingAesKey != null && encodingAesKey.isEmpty()) {
            encodingAesKey = null;
        }
        if (encodingAesKey != null) {
            WeChatCrypto.checkKey(encodingAesKey);
        }
        if (appId != null && appId.isEmpty()) {
            appId = null;
        }
    }

    /** Whether messages are encrypted (safe or compatible mode). */
    public boolean encrypted() {
        return encodingAesKey != null;
    }

    // Records print every component; the token and the key are secrets.
    @Override
    public String toString() {
        return "WeChatConfig[token=<redacted>, encodingAesKey=" + (encodingAesKey == null ? null : "<redacted>")
                + ", appId=" + appId + "]";
    }
}
