package dev.flux.client.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeChatTestMessageTest {

    @Test
    void namesUnderLocalhostAreReachedOnLoopback() {
        assertThat(WeChatTestMessage.isLocalhostName("localhost")).isTrue();
        assertThat(WeChatTestMessage.isLocalhostName("demo.localhost")).isTrue();
        assertThat(WeChatTestMessage.isLocalhostName("Demo.LOCALHOST")).isTrue();
        assertThat(WeChatTestMessage.isLocalhostName("localhost.example.com")).isFalse();
        assertThat(WeChatTestMessage.isLocalhostName("mylocalhost")).isFalse();
        assertThat(WeChatTestMessage.isLocalhostName(null)).isFalse();
    }

    @Test
    void theQueryIsSignedWithTheTokenAndUnknownTypesAreRefused() {
        WeChatTestMessage m = WeChatTestMessage.build(new WeChatConfig("token1", null, null), "text", "hi", "oUser",
                1714036504);
        java.util.Map<String, String> q = new java.util.HashMap<>();
        for (String pair : m.query().split("&")) {
            q.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        assertThat(q).containsEntry("timestamp", "1714036504").containsEntry("openid", "oUser");
        assertThat(q.get("signature")).isEqualTo(WeChatSignature.sign("token1", "1714036504", q.get("nonce")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WeChatTestMessage.build(
                new WeChatConfig("token1", null, null), "image", null, "oUser", 1))
                .hasMessage("message type 'image' is not known (expected: text, event)");
    }
}
