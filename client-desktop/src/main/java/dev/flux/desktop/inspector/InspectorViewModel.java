package dev.flux.desktop.inspector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flux.client.ControlPlaneAgent;
import dev.flux.client.config.TunnelConfig;
import dev.flux.client.wechat.WeChatSignature;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.ErrorText;
import dev.flux.desktop.Messages;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The request inspector of the app's agent, through client-core's {@link dev.flux.client.inspect.RequestInspector}
 * (the same API {@code fluxctl inspect} and the local web page use, called in-process): the requests as they come,
 * one in full (headers, bodies formatted by {@code BodyFormatter}, WeChat checks), replayed as it was or edited; the
 * WeChat kit of the same screen is {@link WeChatKitViewModel}. All calls run on the app's background executor.
 */
public final class InspectorViewModel implements AutoCloseable {

    /** How many requests the list keeps; the agent itself keeps the last 100 of each tunnel. */
    static final int MAX_LINES = 1000;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /** One request as the list shows it. {@code wechat} is the badge ("" when the tunnel is not in WeChat mode). */
    public record RequestLine(long id, String time, String tunnel, String method, String path, int status,
                              long millis, String wechat) {

        public String statusText() {
            return status == 0 ? "-" : Integer.toString(status);
        }

        @Override
        public String toString() {
            return time + " [" + tunnel + "] " + method + " " + path + " " + statusText() + " " + millis + " ms"
                    + (wechat.isEmpty() ? "" : "  " + wechat);
        }
    }

    private final DesktopContext context;
    private final Messages messages;
    private final ObservableList<RequestLine> requests = FXCollections.observableArrayList();
    private final BooleanProperty available = new SimpleBooleanProperty(false);
    private final ObjectProperty<RequestLine> selected = new SimpleObjectProperty<>();
    private final StringProperty requestText = new SimpleStringProperty("");
    private final StringProperty responseText = new SimpleStringProperty("");
    private final StringProperty wechatText = new SimpleStringProperty("");
    private final StringProperty editMethod = new SimpleStringProperty("");
    private final StringProperty editPath = new SimpleStringProperty("");
    private final StringProperty editHeaders = new SimpleStringProperty("");
    private final StringProperty editBody = new SimpleStringProperty("");
    private final StringProperty replayResult = new SimpleStringProperty("");
    private final StringProperty error = new SimpleStringProperty("");
    private final WeChatKitViewModel wechatKit;
    private final BooleanProperty busy = new SimpleBooleanProperty(false);
    /** The selected request's body as the edit field got it: unchanged, the original body is replayed. */
    private String loadedBody = "";
    /** The highest id read so far; read and written on the background thread only. */
    private long lastId;
    private ScheduledFuture<?> polling;

    public InspectorViewModel(DesktopContext context, Messages messages) {
        this.context = context;
        this.messages = messages;
        this.wechatKit = new WeChatKitViewModel(context, messages);
    }

    /** Reads new requests now and then every {@code periodMillis}, until {@link #close()}. */
    public void start(long periodMillis) {
        close();
        polling = context.tasks().every(periodMillis, TimeUnit.MILLISECONDS, this::poll);
    }

    /** Reads new requests once (the periodic read does the same), on the background executor. */
    public void refresh() {
        context.tasks().run(() -> {
            poll();
            return Boolean.TRUE;
        }, ok -> { }, e -> error.set(ErrorText.describe(e, messages)));
    }

    @Override
    public void close() {
        if (polling != null) {
            polling.cancel(false);
            polling = null;
        }
    }

    /** On the background executor: the new summaries and the tunnels, then the list on the screen's thread. */
    private synchronized void poll() {
        boolean running = context.agent().isRunning();
        List<String> tunnels = context.agent().status().stream().map(ControlPlaneAgent.ServedTunnel::status)
                .filter(s -> TunnelConfig.HTTP.equals(s.type())).map(s -> s.name()).sorted().toList();
        JsonNode list = context.agent().inspect("GET", "/api/requests", "after=" + lastId, null).path("requests");
        List<RequestLine> added = new ArrayList<>();
        for (JsonNode s : list) {
            added.add(line(s));
            lastId = Math.max(lastId, s.path("id").asLong());
        }
        context.tasks().onScreen(() -> {
            available.set(running);
            if (!wechatKit.httpTunnels().equals(tunnels)) {
                wechatKit.httpTunnels().setAll(tunnels);
            }
            requests.addAll(added);
            if (requests.size() > MAX_LINES) {
                requests.remove(0, requests.size() - MAX_LINES);
            }
        });
    }

    RequestLine line(JsonNode s) {
        String path = s.path("path").asText() + (s.hasNonNull("query") && !s.path("query").asText().isEmpty()
                ? "?" + s.path("query").asText() : "");
        return new RequestLine(s.path("id").asLong(), TIME.format(Instant.parse(s.path("time").asText())),
                s.path("tunnel").asText(), s.path("method").asText(), path, s.path("status").asInt(),
                s.path("durationMillis").asLong(), badge(s.path("wechat"), s.path("replayOf")));
    }

    /** "WeChat message · signature valid · over 5 s · retry 2", "replay of #3". */
    private String badge(JsonNode w, JsonNode replayOf) {
        List<String> parts = new ArrayList<>();
        if (!replayOf.isMissingNode() && !replayOf.isNull()) {
            parts.add(messages.get("inspector.replayOf", replayOf.asText()));
        }
        if (!w.isMissingNode() && !w.isNull()) {
            parts.add(messages.get(kindKey(w)));
            parts.add(messages.get(w.path("signatureValid").asBoolean() ? "inspector.wechat.signatureValid"
                    : "inspector.wechat.signatureInvalid"));
            if (w.path("overDeadline").asBoolean()) {
                parts.add(messages.get("inspector.wechat.overDeadline"));
            }
            if (w.path("delivery").asInt() > 1) {
                parts.add(messages.get("inspector.wechat.retry", String.valueOf(w.path("delivery").asInt() - 1)));
            }
        }
        return String.join(" · ", parts);
    }

    private static String kindKey(JsonNode wechat) {
        return "verification".equals(wechat.path("kind").asText()) ? "inspector.wechat.verification"
                : "inspector.wechat.message";
    }

    /** Shows one request in full; null clears the detail. */
    public void select(RequestLine line) {
        selected.set(line);
        replayResult.set("");
        error.set("");
        if (line == null) {
            requestText.set("");
            responseText.set("");
            wechatText.set("");
            return;
        }
        context.tasks().run(() -> context.agent().inspect("GET", "/api/requests/" + line.id(), null, null),
                detail -> {
                    if (selected.get() == line) {
                        show(detail);
                    }
                }, e -> error.set(ErrorText.describe(e, messages)));
    }

    private void show(JsonNode d) {
        String target = d.path("path").asText() + (d.hasNonNull("query") && !d.path("query").asText().isEmpty()
                ? "?" + d.path("query").asText() : "");
        requestText.set(d.path("method").asText() + " " + target + "\n" + message(d.path("request")));
        JsonNode response = d.path("response");
        responseText.set(response.isMissingNode() || response.isNull() ? messages.get("inspector.noResponse")
                : d.path("status").asInt() + " · " + d.path("durationMillis").asLong() + " ms\n" + message(response));
        wechatText.set(wechat(d));
        editMethod.set(d.path("method").asText());
        editPath.set(target);
        StringBuilder headers = new StringBuilder();
        for (JsonNode h : d.path("request").path("headers")) {
            headers.append(h.path("name").asText()).append(": ").append(h.path("value").asText()).append('\n');
        }
        editHeaders.set(headers.toString());
        JsonNode body = d.path("request").path("body");
        loadedBody = body.path("kind").asText().equals("binary") || body.path("kind").asText().equals("gzip")
                ? "" : new String(java.util.Base64.getDecoder().decode(body.path("base64").asText("")),
                java.nio.charset.StandardCharsets.UTF_8);
        editBody.set(loadedBody);
    }

    /** Header lines, a blank line, the formatted body (with what kind it is and whether it was cut). */
    private String message(JsonNode m) {
        StringBuilder out = new StringBuilder();
        for (JsonNode h : m.path("headers")) {
            out.append(h.path("name").asText()).append(": ").append(h.path("value").asText()).append('\n');
        }
        JsonNode body = m.path("body");
        if (!"empty".equals(body.path("kind").asText("empty"))) {
            out.append('\n').append(messages.get("inspector.body", body.path("kind").asText(),
                    body.path("size").asText()));
            if (body.hasNonNull("encoding")) {
                out.append(" · ").append(body.path("encoding").asText());
            }
            if (body.path("truncated").asBoolean()) {
                out.append(" · ").append(messages.get("inspector.truncated", body.path("captured").asText()));
            }
            out.append('\n').append(body.path("text").asText(""));
        }
        return out.toString();
    }

    private String wechat(JsonNode d) {
        JsonNode w = d.path("wechat");
        if (w.isMissingNode() || w.isNull()) {
            return "";
        }
        StringBuilder out = new StringBuilder(messages.get(kindKey(w)));
        out.append('\n').append(check("signature", w.path("signature")));
        if (w.hasNonNull("msgSignature")) {
            out.append('\n').append(check("msg_signature", w.path("msgSignature")));
        }
        if (w.hasNonNull("echostr")) {
            out.append('\n').append(messages.get("inspector.wechat.echostr", w.path("echostr").asText()));
        }
        if (w.path("overDeadline").asBoolean()) {
            out.append('\n').append(messages.get("inspector.wechat.lateAnswer", d.path("durationMillis").asText()));
        }
        if (w.hasNonNull("error")) {
            out.append('\n').append(w.path("error").asText());
        }
        w.path("fields").fields().forEachRemaining(f -> out.append('\n').append(f.getKey()).append(" = ")
                .append(f.getValue().asText()));
        JsonNode same = d.path("sameMessage");
        if (same.size() > 1) {
            List<String> ids = new ArrayList<>();
            same.forEach(id -> ids.add("#" + id.asLong()));
            out.append('\n').append(messages.get("inspector.wechat.deliveries", String.join(", ", ids)));
        }
        return out.toString();
    }

    private String check(String what, JsonNode c) {
        return what + ": " + (c.path("valid").asBoolean() ? messages.get("inspector.wechat.signatureValid")
                : messages.get("inspector.wechat.signatureInvalid") + " (" + c.path("reason").asText() + ")");
    }

    /** Sends the selected request again to its tunnel's local service, as it was. */
    public void replay() {
        replay(null);
    }

    /** Sends the selected request again with the method, path, header lines and body of the edit fields. */
    public void editAndReplay() {
        Map<String, Object> edit = new LinkedHashMap<>();
        edit.put("method", editMethod.get().trim());
        edit.put("path", editPath.get().trim());
        List<Map<String, String>> headers = new ArrayList<>();
        for (String h : editHeaders.get().split("\\R")) {
            if (h.isBlank()) {
                continue;
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                error.set(messages.get("inspector.error.header", h.strip()));
                return;
            }
            headers.add(Map.of("name", h.substring(0, colon).strip(), "value", h.substring(colon + 1).strip()));
        }
        edit.put("headers", headers);
        if (!editBody.get().equals(loadedBody)) {
            edit.put("body", editBody.get()); // else the original bytes (binary, gzip) go as they were
        }
        replay(edit);
    }

    private void replay(Map<String, Object> edit) {
        RequestLine line = selected.get();
        error.set("");
        replayResult.set("");
        if (line == null) {
            error.set(messages.get("inspector.error.noSelection"));
            return;
        }
        busy.set(true);
        context.tasks().run(() -> {
            JsonNode d = context.agent().inspect("POST", "/api/requests/" + line.id() + "/replay", null, edit);
            poll();
            return d;
        }, d -> {
            busy.set(false);
            replayResult.set(messages.get("inspector.replayed", d.path("id").asText(),
                    d.path("status").asInt() == 0 ? "-" : d.path("status").asText(),
                    d.path("durationMillis").asText()));
        }, e -> {
            busy.set(false);
            error.set(ErrorText.describe(e, messages));
        });
    }

    public ObservableList<RequestLine> requests() {
        return requests;
    }

    public BooleanProperty availableProperty() {
        return available;
    }

    public ObjectProperty<RequestLine> selectedProperty() {
        return selected;
    }

    public StringProperty requestTextProperty() {
        return requestText;
    }

    public StringProperty responseTextProperty() {
        return responseText;
    }

    public StringProperty wechatTextProperty() {
        return wechatText;
    }

    public StringProperty editMethodProperty() {
        return editMethod;
    }

    public StringProperty editPathProperty() {
        return editPath;
    }

    public StringProperty editHeadersProperty() {
        return editHeaders;
    }

    public StringProperty editBodyProperty() {
        return editBody;
    }

    public StringProperty replayResultProperty() {
        return replayResult;
    }

    public StringProperty errorProperty() {
        return error;
    }

    /** The WeChat mode, test message and signature tester of the same screen. */
    public WeChatKitViewModel wechatKit() {
        return wechatKit;
    }

    public BooleanProperty busyProperty() {
        return busy;
    }
}
