package dev.flux.client.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeChatRequestAnalysisTest {

    @Test
    void aVerificationRequestIsCheckedAndItsEchostrShown() {
        WeChatRequestAnalysis a = WeChatRequestAnalysis.of(new WeChatConfig("AAAAA", null, null), "GET",
                "/wx?signature=f464b24fc39322e44b38aa78f5edd27bd1441696&echostr=5838479218127813673"
                        + "&timestamp=1714036504&nonce=1514711492", "", 12);
        assertThat(a.kind()).isEqualTo("verification");
        assertThat(a.signature().valid()).isTrue();
        assertThat(a.echostr()).isEqualTo("5838479218127813673");
        assertThat(a.overDeadline()).isFalse();
    }

    @Test
    void anEncryptedTestMessageIsDecryptedAndBothSignaturesHold() {
        WeChatConfig config = new WeChatConfig("pamtest", WeChatCryptoTest.KEY, WeChatCryptoTest.APP_ID);
        WeChatTestMessage m = WeChatTestMessage.build(config, "text", "ping", "oUser1", 1714036504);
        WeChatRequestAnalysis a = WeChatRequestAnalysis.of(config, "POST", "/wx?" + m.query(), m.body(), 6_000);

        assertThat(a.kind()).isEqualTo("message");
        assertThat(a.encrypted()).isTrue();
        assertThat(a.signature().valid()).isTrue();
        assertThat(a.msgSignature().valid()).isTrue();
        assertThat(a.fields()).containsEntry("Content", "ping").containsEntry("FromUserName", "oUser1")
                .containsEntry("MsgType", "text");
        assertThat(a.retryKey()).startsWith("MsgId:");
        assertThat(a.overDeadline()).isTrue();

        WeChatRequestAnalysis noKey = WeChatRequestAnalysis.of(new WeChatConfig("pamtest", null, null), "POST",
                "/wx?" + m.query(), m.body(), 10);
        assertThat(noKey.error()).contains("set the EncodingAESKey");
        assertThat(noKey.msgSignature().valid()).isTrue();
    }

    @Test
    void eventsAreGroupedByUserAndCreateTimeAndOtherRequestsAreNotWeChat() {
        WeChatConfig config = new WeChatConfig("pamtest", null, null);
        WeChatTestMessage m = WeChatTestMessage.build(config, "event", "subscribe", "oUser2", 1714036504);
        WeChatRequestAnalysis a = WeChatRequestAnalysis.of(config, "POST", "/?" + m.query(), m.body(), 10);
        assertThat(a.fields()).containsEntry("Event", "subscribe");
        assertThat(a.retryKey()).isEqualTo("oUser2+1714036504");
        assertThat(WeChatRequestAnalysis.of(config, "GET", "/index.html?x=1", "", 1)).isNull();
    }
}
