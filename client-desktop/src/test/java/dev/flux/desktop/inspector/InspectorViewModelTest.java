package dev.flux.desktop.inspector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.HttpHeader;
import dev.flux.client.HttpMessageCapture;
import dev.flux.client.inspect.RequestCapture;
import dev.flux.client.wechat.WeChatConfig;
import dev.flux.client.wechat.WeChatSignature;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.Messages;
import dev.flux.desktop.TestContexts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The inspector's ViewModel on client-core's real {@link dev.flux.client.inspect.RequestInspector} (the one the
 * app's agent feeds), without a screen: exchanges put into its capture appear in the list with their WeChat badges,
 * one shows in full, and refusals are sentences.
 */
class InspectorViewModelTest {

    private static final Messages EN = new Messages(Locale.ENGLISH);
    private static final Messages ZH = new Messages(Locale.SIMPLIFIED_CHINESE);
    private static final Instant AT = Instant.parse("2026-11-24T10:00:00Z");

    @TempDir
    Path dir;
    private DesktopContext context;
    private RequestCapture capture;

    @BeforeEach
    void setUp() {
        context = TestContexts.create(dir);
        capture = context.agent().inspector().capture();
    }

    @AfterEach
    void tearDown() {
        context.tasks().close();
    }

    @Test
    void capturedRequestsAppearOnceEachWithTimeTunnelMethodPathStatusAndDuration() {
        InspectorViewModel model = new InspectorViewModel(context, EN);
        capture.add("web", "POST", "/items?page=2", 201, 12, AT, json("{\"a\":1}"), message("ok"), null);
        capture.add("web", "GET", "/health", 0, 3, AT, message(""), null, null);
        model.refresh();
        await().atMost(Duration.ofSeconds(5)).until(() -> model.requests().size() == 2);
        InspectorViewModel.RequestLine first = model.requests().get(0);
        assertThat(first.time()).isEqualTo(DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault())
                .format(AT));
        assertThat(first).extracting(InspectorViewModel.RequestLine::tunnel, InspectorViewModel.RequestLine::method,
                        InspectorViewModel.RequestLine::path, InspectorViewModel.RequestLine::status,
                        InspectorViewModel.RequestLine::millis, InspectorViewModel.RequestLine::wechat)
                .containsExactly("web", "POST", "/items?page=2", 201, 12L, "");
        assertThat(model.requests().get(1).statusText()).isEqualTo("-");
        assertThat(model.availableProperty().get()).as("no agent runs in this test").isFalse();

        capture.add("web", "GET", "/third", 200, 1, AT, message(""), message("x"), null);
        model.refresh();
        await().atMost(Duration.ofSeconds(5)).until(() -> model.requests().size() == 3);
        model.refresh();
        model.refresh();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> model.requests().size() == 3);
        assertThat(model.requests()).extracting(InspectorViewModel.RequestLine::path)
                .containsExactly("/items?page=2", "/health", "/third");
    }

    @Test
    void aSelectedRequestShowsItsHeadersAndFormattedBodiesAndFillsTheEditFields() {
        InspectorViewModel model = new InspectorViewModel(context, EN);
        capture.add("web", "POST", "/items?page=2", 201, 12, AT, json("{\"a\":1}"), message("created"), null);
        model.refresh();
        await().atMost(Duration.ofSeconds(5)).until(() -> model.requests().size() == 1);
        model.select(model.requests().get(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.requestTextProperty().get().isEmpty());
        assertThat(model.requestTextProperty().get()).startsWith("POST /items?page=2\n")
                .contains("Content-Type: application/json").contains("Body: json, 7 bytes")
                .contains("\"a\" : 1"); // pretty-printed by client-core's BodyFormatter
        assertThat(model.responseTextProperty().get()).startsWith("201 · 12 ms").contains("created");
        assertThat(model.editMethodProperty().get()).isEqualTo("POST");
        assertThat(model.editPathProperty().get()).isEqualTo("/items?page=2");
        assertThat(model.editHeadersProperty().get()).isEqualTo("Content-Type: application/json\n");
        assertThat(model.editBodyProperty().get()).isEqualTo("{\"a\":1}");
        assertThat(model.wechatTextProperty().get()).isEmpty();
    }

    @Test
    void replayRefusalsAreSentencesOnTheScreen() {
        InspectorViewModel model = new InspectorViewModel(context, EN);
        model.replay();
        assertThat(model.errorProperty().get()).isEqualTo("Choose a request in the list first.");

        capture.add("gone", "GET", "/x", 200, 1, AT, message(""), message(""), null);
        model.refresh();
        await().atMost(Duration.ofSeconds(5)).until(() -> model.requests().size() == 1);
        model.select(model.requests().get(0));
        model.replay();
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.errorProperty().get().isEmpty());
        assertThat(model.errorProperty().get()).isEqualTo(
                "tunnel 'gone' is no longer served by this agent: there is nowhere to replay");
        assertThat(model.busyProperty().get()).isFalse();

        model.editHeadersProperty().set("Accept: */*\noops\n");
        model.editAndReplay();
        assertThat(model.errorProperty().get()).isEqualTo("Header line 'oops' has no ':': write it as Name: value.");
        InspectorViewModel zh = new InspectorViewModel(context, ZH);
        zh.selectedProperty().set(model.requests().get(0));
        zh.editHeadersProperty().set("oops");
        zh.editAndReplay();
        assertThat(zh.errorProperty().get()).isEqualTo("请求头行“oops”缺少“:”，请写成“名称: 值”。");
    }

    @Test
    void weChatRequestsCarryTheirBadgeSignatureDeadlineAndRetry() {
        String token = "myToken123";
        context.agent().inspector().wechat("wx", new WeChatConfig(token, null, null));
        String good = WeChatSignature.sign(token, "1714036504", "42");
        String xml = "<xml><ToUserName>gh_1</ToUserName><FromUserName>oUser</FromUserName>"
                + "<CreateTime>1714036504</CreateTime><MsgType>text</MsgType><Content>hi</Content>"
                + "<MsgId>1234</MsgId></xml>";
        String query = "/wx?signature=" + good + "&timestamp=1714036504&nonce=42";
        capture.add("wx", "POST", query, 200, 6200, AT, xmlBody(xml), message(""), null);
        capture.add("wx", "POST", query, 200, 30, AT, xmlBody(xml), message("success"), null);
        capture.add("wx", "GET", "/wx?signature=0000&timestamp=1714036504&nonce=42&echostr=abc", 200, 5, AT,
                message(""), message("abc"), null);
        InspectorViewModel model = new InspectorViewModel(context, EN);
        model.refresh();
        await().atMost(Duration.ofSeconds(5)).until(() -> model.requests().size() == 3);
        assertThat(model.requests()).extracting(InspectorViewModel.RequestLine::wechat).containsExactly(
                "WeChat message · signature valid · over 5 s",
                "WeChat message · signature valid · retry 1",
                "WeChat verification · signature invalid");

        model.select(model.requests().get(2));
        await().atMost(Duration.ofSeconds(5)).until(() -> !model.wechatTextProperty().get().isEmpty());
        assertThat(model.wechatTextProperty().get()).startsWith("WeChat verification\nsignature: signature invalid (")
                .contains("'0000'").contains("echostr to answer: abc");
        model.select(model.requests().get(0));
        await().atMost(Duration.ofSeconds(5)).until(() -> model.wechatTextProperty().get().startsWith(
                "WeChat message"));
        assertThat(model.wechatTextProperty().get()).contains("The answer took 6200 ms");
        assertThat(model.wechatTextProperty().get()).contains("Content = hi").contains("Deliveries of this message: #1, #2");
    }

    private static HttpMessageCapture json(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return new HttpMessageCapture(List.of(new HttpHeader("Content-Type", "application/json")), b, b.length,
                false);
    }

    private static HttpMessageCapture xmlBody(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return new HttpMessageCapture(List.of(new HttpHeader("Content-Type", "text/xml")), b, b.length, false);
    }

    private static HttpMessageCapture message(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return new HttpMessageCapture(List.of(new HttpHeader("Content-Length", Integer.toString(b.length))), b,
                b.length, false);
    }
}
