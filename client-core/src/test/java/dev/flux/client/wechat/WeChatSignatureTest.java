package dev.flux.client.wechat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WeChatSignatureTest {

    @Test
    void theOfficialVector() {
        assertThat(WeChatSignature.sign("AAAAA", "1714036504", "1514711492"))
                .isEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696");
        assertThat(WeChatSignature.check("AAAAA", "1714036504", "1514711492",
                "f464b24fc39322e44b38aa78f5edd27bd1441696"))
                .isEqualTo(new WeChatSignature.Check(true, "f464b24fc39322e44b38aa78f5edd27bd1441696", null));
    }

    @Test
    void theOrderOfThePartsDoesNotMatter() {
        assertThat(WeChatSignature.sign("1514711492", "AAAAA", "1714036504"))
                .isEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696");
    }

    @Test
    void wrongInputsFailWithTheirReason() {
        WeChatSignature.Check wrongToken = WeChatSignature.check("BBBBB", "1714036504", "1514711492",
                "f464b24fc39322e44b38aa78f5edd27bd1441696");
        assertThat(wrongToken.valid()).isFalse();
        assertThat(wrongToken.reason()).contains("does not match").contains("token differs");
        assertThat(wrongToken.expected()).isNotEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696");

        assertThat(WeChatSignature.check("AAAAA", "1714036504", "1514711492",
                "F464B24FC39322E44B38AA78F5EDD27BD1441696").reason()).contains("upper case");
        assertThat(WeChatSignature.check("AAAAA", null, "1514711492", "x").reason())
                .isEqualTo("the timestamp parameter is missing");
        assertThat(WeChatSignature.check("AAAAA", "1714036504", "", "x").reason())
                .isEqualTo("the nonce parameter is missing");
        assertThat(WeChatSignature.check("AAAAA", "1714036504", "1514711492", null).reason())
                .isEqualTo("the signature parameter is missing");
        assertThat(WeChatSignature.check(null, "1714036504", "1514711492", "x").reason())
                .startsWith("no token is configured");
        assertThat(WeChatSignature.check("AAAAA", "yesterday", "1514711492", "x").reason())
                .contains("'yesterday' is not a number");
    }

    @Test
    void msgSignatureCoversTheEncryptText() {
        String expected = WeChatSignature.sign("AAAAA", "1714036504", "1514711492", "ENCRYPTED");
        assertThat(expected).isNotEqualTo(WeChatSignature.sign("AAAAA", "1714036504", "1514711492"));
        assertThat(WeChatSignature.checkMessage("AAAAA", "1714036504", "1514711492", "ENCRYPTED", expected)
                .valid()).isTrue();
        assertThat(WeChatSignature.checkMessage("AAAAA", "1714036504", "1514711492", "CHANGED", expected)
                .reason()).startsWith("msg_signature '" + expected + "' does not match");
        assertThat(WeChatSignature.checkMessage("AAAAA", "1714036504", "1514711492", null, expected).reason())
                .contains("no Encrypt element");
    }
}
