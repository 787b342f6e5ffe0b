package dev.flux.client.wechat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class WeChatCryptoTest {

    static final String KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String APP_ID = "wxb11529c136998cb6";
    static final String XML = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
            + "<Content><![CDATA[你好]]></Content></xml>";

    @Test
    void roundTrip() {
        WeChatCrypto crypto = new WeChatCrypto(KEY, APP_ID);
        String encrypted = crypto.encrypt(XML);
        assertThat(Base64.getDecoder().decode(encrypted).length % 32).isZero();
        assertThat(crypto.decrypt(encrypted)).isEqualTo(new WeChatCrypto.Decrypted(XML, APP_ID));
        assertThat(crypto.encrypt(XML)).isNotEqualTo(encrypted); // fresh random bytes each time
    }

    /** A message encrypted here with javax.crypto and the layout written out by hand, not with WeChatCrypto. */
    @Test
    void decryptsAMessageMadeIndependently() throws Exception {
        byte[] key = Base64.getDecoder().decode(KEY + "=");
        assertThat(key).hasSize(32);
        byte[] msg = XML.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        plain.writeBytes("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        plain.write(msg.length >>> 24);
        plain.write(msg.length >>> 16);
        plain.write(msg.length >>> 8);
        plain.write(msg.length);
        plain.writeBytes(msg);
        plain.writeBytes(APP_ID.getBytes(StandardCharsets.US_ASCII));
        int pad = 32 - plain.size() % 32;
        for (int i = 0; i < pad; i++) {
            plain.write(pad);
        }
        Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(Arrays.copyOf(key, 16)));
        String encrypt = Base64.getEncoder().encodeToString(cipher.doFinal(plain.toByteArray()));

        assertThat(new WeChatCrypto(KEY, APP_ID).decrypt(encrypt).message()).isEqualTo(XML);
        // and the same random bytes give the same text both ways
        assertThat(new WeChatCrypto(KEY, APP_ID).encrypt(XML, "0123456789abcdef".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo(encrypt);
    }

    /**
     * The example values WeChat publishes with its message-encryption sample code ({@code WXBizMsgCrypt}): the
     * fixed 16 random bytes {@code aaaabbbbccccdddd} give exactly the published {@code Encrypt} texts.
     */
    @Test
    void matchesWeChatsPublishedExamples() {
        WeChatCrypto crypto = new WeChatCrypto(KEY, APP_ID);
        byte[] random = "aaaabbbbccccdddd".getBytes(StandardCharsets.US_ASCII);
        String short1 = "我是中文abcd123";
        String encrypted1 = "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==";
        assertThat(crypto.encrypt(short1, random)).isEqualTo(encrypted1);
        assertThat(crypto.decrypt(encrypted1)).isEqualTo(new WeChatCrypto.Decrypted(short1, APP_ID));

        String video = "<xml><ToUserName><![CDATA[oia2Tj我是中文jewbmiOUlr6X-1crbLOvLw]]></ToUserName>"
                + "<FromUserName><![CDATA[gh_7f083739789a]]></FromUserName><CreateTime>1407743423</CreateTime>"
                + "<MsgType><![CDATA[video]]></MsgType><Video><MediaId><![CDATA[eYJ1MbwPRJtOvIEabaxHs7TX2D-HV71s79GU"
                + "xqdUkjm6Gs2Ed1KF3ulAOA9H1xG0]]></MediaId><Title><![CDATA[testCallBackReplyVideo]]></Title>"
                + "<Description><![CDATA[testCallBackReplyVideo]]></Description></Video></xml>";
        String encrypted2 = "jn1L23DB+6ELqJ+6bruv23M2GmYfkv0xBh2h+XTBOKVKcgDFHle6gqcZ1cZrk3e1qjPQ1F4RsLWzQRG9udbKWesxlku"
                + "pqcEcW7ZQweImX9+wLMa0GaUzpkycA8+IamDBxn5loLgZpnS7fVAbExOkK5DYHBmv5tptA9tklE/fTIILHR8HLXa5nQvFb3tYPKAl"
                + "HF3rtTeayNf0QuM+UW/wM9enGIDIJHF7CLHiDNAYxr+r+OrJCmPQyTy8cVWlu9iSvOHPT/77bZqJucQHQ04sq7KZI27OcqpQNSto2"
                + "OdHCoTccjggX5Z9Mma0nMJBU+jLKJ38YB1fBIz+vBzsYjrTmFQ44YfeEuZ+xRTQwr92vhA9OxchWVINGC50qE/6lmkwWTwGX9wtQp"
                + "sJKhP+oS7rvTY8+VdzETdfakjkwQ5/Xka042OlUb1/slTwo4RscuQ+RdxSGvDahxAJ6+EAjLt9d8igHngxIbf6YyqqROxuxqIeIch"
                + "3CssH/LqRs+iAcILvApYZckqmA7FNERspKA5f8GoJ9sv8xmGvZ9Yrf57cExWtnX8aCMMaBropU/1k+hKP5LVdzbWCG0hGwx/dQudY"
                + "R/eXp3P0XxjlFiy+9DMlaFExWUZQDajPkdPrEeOwofJb";
        assertThat(crypto.encrypt(video, random)).isEqualTo(encrypted2);
        assertThat(crypto.decrypt(encrypted2).message()).isEqualTo(video);
    }

    /** WeChat's published URL-verification example: the msg_signature checks and the echostr decrypts. */
    @Test
    void verifiesWeChatsPublishedUrlCheck() {
        String token = "QDG6eK";
        String echo = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==";
        assertThat(WeChatSignature.sign(token, "1409659589", "263014780", echo))
                .isEqualTo("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3");
        WeChatCrypto crypto = new WeChatCrypto("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7");
        WeChatCrypto.Decrypted decrypted = crypto.decrypt(echo);
        assertThat(decrypted.appId()).isEqualTo("wx5823bf96d3bd56c7");
        assertThat(decrypted.message()).isNotBlank();
    }

    @Test
    void wrongKeyAppIdOrTextAreSaidSo() {
        String encrypted = new WeChatCrypto(KEY, APP_ID).encrypt(XML);
        assertThatThrownBy(() -> new WeChatCrypto(KEY, "wxOther").decrypt(encrypted))
                .hasMessage("the message is for AppID '" + APP_ID + "', not the configured 'wxOther'");
        String otherKey = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg";
        assertThatThrownBy(() -> new WeChatCrypto(otherKey, APP_ID).decrypt(encrypted))
                .hasMessageContaining("does not decrypt with this EncodingAESKey");
        assertThatThrownBy(() -> new WeChatCrypto(KEY, APP_ID).decrypt("not base64!"))
                .hasMessage("the Encrypt text is not base64");
        assertThatThrownBy(() -> new WeChatCrypto("short", APP_ID))
                .hasMessageStartingWith("EncodingAESKey has 5 characters, not 43");
    }
}
