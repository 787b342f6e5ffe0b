package dev.flux.desktop.inspector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.flux.client.wechat.WeChatSignature;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.ErrorText;
import dev.flux.desktop.Messages;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The WeChat debugging kit of the inspector's screen: WeChat mode of an HTTP tunnel (token, EncodingAESKey, AppId),
 * a test message sent through the tunnel's public URL, and the signature tester. Mode and test message go through
 * the agent's inspector API in-process; the tester computes with client-core's {@link WeChatSignature}. All calls
 * run on the app's background executor.
 */
public final class WeChatKitViewModel {

    private final DesktopContext context;
    private final Messages messages;
    /** The agent's HTTP tunnels, kept current by the inspector's periodic read. */
    private final ObservableList<String> httpTunnels = FXCollections.observableArrayList();
    private final StringProperty wechatTunnel = new SimpleStringProperty("");
    private final StringProperty wechatToken = new SimpleStringProperty("");
    private final StringProperty wechatAesKey = new SimpleStringProperty("");
    private final StringProperty wechatAppId = new SimpleStringProperty("");
    private final StringProperty testPath = new SimpleStringProperty("/");
    private final StringProperty testContent = new SimpleStringProperty("");
    private final StringProperty wechatResult = new SimpleStringProperty("");
    private final StringProperty wechatError = new SimpleStringProperty("");
    private final StringProperty signToken = new SimpleStringProperty("");
    private final StringProperty signTimestamp = new SimpleStringProperty("");
    private final StringProperty signNonce = new SimpleStringProperty("");
    private final StringProperty signSignature = new SimpleStringProperty("");
    private final StringProperty signExpected = new SimpleStringProperty("");
    private final StringProperty signResult = new SimpleStringProperty("");
    private final BooleanProperty signPassed = new SimpleBooleanProperty(false);
    /** A WeChat-mode change or test message is under way. */
    private final BooleanProperty busy = new SimpleBooleanProperty(false);

    WeChatKitViewModel(DesktopContext context, Messages messages) {
        this.context = context;
        this.messages = messages;
    }

    /** Turns on WeChat mode for the chosen tunnel with the token, EncodingAESKey and AppId given. */
    public void saveWeChat() {
        String tunnel = chosenTunnel();
        if (tunnel == null) {
            return;
        }
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("token", wechatToken.get().trim());
        if (!wechatAesKey.get().isBlank()) {
            settings.put("encodingAESKey", wechatAesKey.get().trim());
        }
        if (!wechatAppId.get().isBlank()) {
            settings.put("appId", wechatAppId.get().trim());
        }
        wechatCall("PUT", "/api/wechat/" + tunnel, settings, d -> messages.get("inspector.wechat.saved", tunnel));
    }

    /** Turns WeChat mode off for the chosen tunnel. */
    public void turnOffWeChat() {
        String tunnel = chosenTunnel();
        if (tunnel == null) {
            return;
        }
        wechatCall("DELETE", "/api/wechat/" + tunnel, null, d -> messages.get("inspector.wechat.off", tunnel));
    }

    /** Sends a WeChat text message, made and signed as WeChat would, to the chosen tunnel's public URL. */
    public void sendTestMessage() {
        String tunnel = chosenTunnel();
        if (tunnel == null) {
            return;
        }
        Map<String, String> message = new LinkedHashMap<>();
        message.put("type", "text");
        if (!testContent.get().isBlank()) {
            message.put("content", testContent.get());
        }
        message.put("path", testPath.get().isBlank() ? "/" : testPath.get().trim());
        wechatCall("POST", "/api/wechat/" + tunnel + "/test-message", message,
                d -> messages.get("inspector.wechat.answered", d.path("status").asText(),
                        d.path("durationMillis").asText(), d.path("body").asText()));
    }

    /** The chosen tunnel with the last result cleared, or null (and the reason shown) when none is chosen. */
    private String chosenTunnel() {
        String tunnel = wechatTunnel.get() == null ? "" : wechatTunnel.get().trim();
        wechatError.set("");
        wechatResult.set("");
        if (tunnel.isEmpty()) {
            wechatError.set(messages.get("inspector.error.noTunnel"));
            return null;
        }
        return tunnel;
    }

    private void wechatCall(String method, String path, Object body,
                            Function<JsonNode, String> result) {
        busy.set(true);
        context.tasks().run(() -> {
            JsonNode answer = context.agent().inspect(method, path, null, body);
            return answer == null ? NullNode.getInstance() : answer;
        }, d -> {
            busy.set(false);
            wechatResult.set(result.apply(d));
        }, e -> {
            busy.set(false);
            wechatError.set(ErrorText.describe(e, messages));
        });
    }

    /**
     * The signature WeChat sends for the token, timestamp and nonce ({@code sha1} of the three sorted), and, when a
     * signature is given, whether it matches and why not. Computed by client-core's {@link WeChatSignature}, without
     * the agent.
     */
    public void checkSignature() {
        signExpected.set("");
        signResult.set("");
        signPassed.set(false);
        for (StringProperty p : List.of(signToken, signTimestamp, signNonce)) {
            if (p.get().isBlank()) {
                signResult.set(messages.get("inspector.sign.missing"));
                return;
            }
        }
        String token = signToken.get().trim();
        String timestamp = signTimestamp.get().trim();
        String nonce = signNonce.get().trim();
        String signature = signSignature.get().trim();
        context.tasks().run(() -> WeChatSignature.check(token, timestamp, nonce, signature), check -> {
            signExpected.set(check.expected());
            if (signature.isEmpty()) {
                return;
            }
            signPassed.set(check.valid());
            signResult.set(check.valid() ? messages.get("inspector.sign.pass")
                    : messages.get("inspector.sign.fail", check.reason()));
        }, e -> signResult.set(ErrorText.describe(e, messages)));
    }

    public ObservableList<String> httpTunnels() {
        return httpTunnels;
    }

    public StringProperty wechatTunnelProperty() {
        return wechatTunnel;
    }

    public StringProperty wechatTokenProperty() {
        return wechatToken;
    }

    public StringProperty wechatAesKeyProperty() {
        return wechatAesKey;
    }

    public StringProperty wechatAppIdProperty() {
        return wechatAppId;
    }

    public StringProperty testPathProperty() {
        return testPath;
    }

    public StringProperty testContentProperty() {
        return testContent;
    }

    public StringProperty wechatResultProperty() {
        return wechatResult;
    }

    public StringProperty wechatErrorProperty() {
        return wechatError;
    }

    public StringProperty signTokenProperty() {
        return signToken;
    }

    public StringProperty signTimestampProperty() {
        return signTimestamp;
    }

    public StringProperty signNonceProperty() {
        return signNonce;
    }

    public StringProperty signSignatureProperty() {
        return signSignature;
    }

    public StringProperty signExpectedProperty() {
        return signExpected;
    }

    public StringProperty signResultProperty() {
        return signResult;
    }

    public BooleanProperty signPassedProperty() {
        return signPassed;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }
}
