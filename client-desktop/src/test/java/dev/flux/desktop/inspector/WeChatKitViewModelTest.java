package dev.flux.desktop.inspector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.Messages;
import dev.flux.desktop.TestContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WeChat kit's ViewModel against the app's real in-process agent, without a screen: WeChat mode needs a tunnel
 * the agent serves and says so in a sentence, and the signature tester computes WeChat's signature on the official
 * test vector and explains a mismatch, in English and Chinese.
 */
class WeChatKitViewModelTest {

    private static final Messages EN = new Messages(Locale.ENGLISH);
    private static final Messages ZH = new Messages(Locale.SIMPLIFIED_CHINESE);

    @TempDir
    Path dir;
    private DesktopContext context;

    @BeforeEach
    void setUp() {
        context = TestContexts.create(dir);
    }

    @AfterEach
    void tearDown() {
        context.tasks().close();
    }

    @Test
    void weChatSettingsNeedATunnelTheAgentServes() {
        WeChatKitViewModel model = new WeChatKitViewModel(context, EN);
        model.wechatTokenProperty().set("myToken123");
        model.saveWeChat();
        assertThat(model.wechatErrorProperty().get()).isEqualTo("Choose a tunnel first.");
        model.wechatTunnelProperty().set("wx");
        model.saveWeChat();
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.wechatErrorProperty().get().isEmpty());
        assertThat(model.wechatErrorProperty().get()).isEqualTo("this agent serves no tunnel named 'wx'");
        model.sendTestMessage();
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.wechatErrorProperty().get().isEmpty());
        assertThat(model.wechatErrorProperty().get()).isEqualTo("this agent serves no tunnel named 'wx'");
        assertThat(model.wechatResultProperty().get()).isEmpty();
    }

    @Test
    void theSignatureTesterGivesTheExpectedSignatureAndPassOrFailWithTheReason() {
        WeChatKitViewModel model = new WeChatKitViewModel(context, EN);
        model.signTokenProperty().set("AAAAA");
        model.checkSignature();
        assertThat(model.signResultProperty().get()).isEqualTo("Enter the token, timestamp and nonce.");

        model.signTimestampProperty().set("1714036504");
        model.signNonceProperty().set("1514711492");
        model.checkSignature();
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.signExpectedProperty().get().isEmpty());
        assertThat(model.signExpectedProperty().get()).isEqualTo("f464b24fc39322e44b38aa78f5edd27bd1441696");
        assertThat(model.signResultProperty().get()).isEmpty();

        model.signSignatureProperty().set("f464b24fc39322e44b38aa78f5edd27bd1441696");
        model.checkSignature();
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.signResultProperty().get().isEmpty());
        assertThat(model.signPassedProperty().get()).isTrue();
        assertThat(model.signResultProperty().get()).isEqualTo("Pass: the signature matches.");

        model.signSignatureProperty().set("0123");
        model.checkSignature();
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.signResultProperty().get().isEmpty());
        assertThat(model.signPassedProperty().get()).isFalse();
        assertThat(model.signResultProperty().get()).startsWith("Fail: ").contains("'0123'")
                .contains("f464b24fc39322e44b38aa78f5edd27bd1441696");

        WeChatKitViewModel zh = new WeChatKitViewModel(context, ZH);
        zh.signTokenProperty().set("AAAAA");
        zh.checkSignature();
        assertThat(zh.signResultProperty().get()).isEqualTo("请填写令牌、timestamp 和 nonce。");
    }
}
