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
