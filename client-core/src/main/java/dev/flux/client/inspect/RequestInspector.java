package dev.flux.client.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flux.client.HttpHeader;
import dev.flux.client.HttpMessageCapture;
import dev.flux.client.wechat.WeChatConfig;
import dev.flux.client.wechat.WeChatRequestAnalysis;
import dev.flux.client.wechat.WeChatSignature;
import dev.flux.client.wechat.WeChatTestMessage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The inspector's part of the local admin API, and its web page:
 * <pre>
 * GET    /                                   the inspector page
 * GET    /api/requests[?tunnel=&amp;after=&amp;limit=] {"requests":[summary...]} oldest first
 * GET    /api/requests/{id}                  detail: summary + request/response headers and formatted bodies
 * POST   /api/requests/{id}/replay           body: optional ReplayEdit → 201 detail of the replay
 * DELETE /api/requests[?tunnel=]             204; forgets the captured exchanges
 * GET    /api/wechat                         {"tunnels":{"NAME":{"encrypted":bool,"appId":...}}}
 * PUT    /api/wechat/{tunnel}                {"token","encodingAESKey"?,"appId"?} → 204
 * DELETE /api/wechat/{tunnel}                204
 * POST   /api/wechat/sign                    {"token","timestamp","nonce","signature"?} → check
 * POST   /api/wechat/{tunnel}/test-message   {"type"?,"content"?,"openId"?,"path"?} → the server's answer
 * </pre>
 * Errors are {@code {"error": code, "message": sentence}}.
 */
public final class RequestInspector {

    /** An answer for the admin server to send. */
    public record Response(int status, String contentType, byte[] body) {
    }

    /** Where a tunnel is: its local service ({@code host:port}) and its public URL (null until known). */
    public record TunnelTarget(String localHost, int localPort, String publicUrl) {

        /** From a tunnel's local address as the agent reports it ({@code host:port}, IPv6 in brackets or not). */
        public static Optional<TunnelTarget> of(String localAddress, String publicUrl) {
            int colon = localAddress == null ? -1 : localAddress.lastIndexOf(':');
            if (colon <= 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(new TunnelTarget(localAddress.substring(0, colon).replace("[", "")
                        .replace("]", ""), Integer.parseInt(localAddress.substring(colon + 1)), publicUrl));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final RequestCapture capture;
    private final RequestReplayer replayer;
    private final Function<String, Optional<TunnelTarget>> tunnels;
    private final Map<String, WeChatConfig> wechat = new ConcurrentHashMap<>();
    private volatile Consumer<Map<String, WeChatConfig>> wechatChanged = settings -> { };

    /** @param tunnels finds a tunnel of the running agent by name */
    public RequestInspector(RequestCapture capture, Function<String, Optional<TunnelTarget>> tunnels) {
        this.capture = capture;
        this.replayer = new RequestReplayer(capture);
        this.tunnels = tunnels;
    }

    public RequestCapture capture() {
        return capture;
    }

    /** Turns on WeChat mode for a tunnel (null: off). */
    public void wechat(String tunnel, WeChatConfig config) {
        if (config == null) {
            wechat.remove(tunnel);
        } else {
            wechat.put(tunnel, config);
        }
    }

    /**
     * Called with all tunnels' WeChat settings after the API ({@code PUT}/{@code DELETE /api/wechat/{tunnel}})
     * changed them, e.g. to keep them for the next start.
     */
    public void onWeChatChange(Consumer<Map<String, WeChatConfig>> listener) {
        this.wechatChanged = listener;
    }

    /** Whether {@link #handle} answers this path. */
    public static boolean handles(String path) {
        return path.equals("/") || path.equals("/index.html") || path.startsWith("/api/requests")
                || path.startsWith("/api/wechat");
    }

    /** Answers one request of the admin API; {@link #handles} said yes to its path. */
    public Response handle(String method, String path, String query, byte[] body, String csrfToken) {
        try {
            return route(method, path, query == null ? Map.of() : params(query), body, csrfToken);
        } catch (ApiError e) {
            return error(e.status, e.code, e.getMessage());
        } catch (IOException e) {
            return error(400, "invalid_json", "the request body is not the JSON expected: " + e.getMessage());
        }
    }

    private Response route(String method, String path, Map<String, String> q, byte[] body, String csrfToken)
            throws IOException, ApiError {
        if (path.equals("/") || path.equals("/index.html")) {
            allow(method, "GET");
            return page(csrfToken);
        }
        String[] seg = path.substring(1).split("/");
        if (seg[1].equals("requests")) {
            if (seg.length == 2) {
                if (method.equals("DELETE")) {
                    capture.clear(q.get("tunnel"));
                    return new Response(204, null, null);
                }
                allow(method, "GET");
                long after = number("after", q.getOrDefault("after", "0"));
                int limit = (int) Math.min(number("limit", q.getOrDefault("limit", "1000")), 10_000);
                List<CapturedExchange> list = capture.list(q.get("tunnel"), after);
                if (list.size() > limit) {
                    list = list.subList(0, limit);
                }
                WeChatView view = new WeChatView();
                List<Summary> out = new ArrayList<>();
                for (CapturedExchange c : list) {
                    out.add(summary(c, view));
                }
                return json(200, Map.of("requests", out));
            }
            CapturedExchange c = capture.get(number("request id", seg[2]))
                    .orElseThrow(() -> new ApiError(404, "request_not_found", "no captured request " + seg[2]
                            + " (only the last " + capture.settings().maxExchanges() + " of each tunnel are kept)"));
            if (seg.length == 3) {
                allow(method, "GET");
                return json(200, detail(c, new WeChatView()));
            }
            if (seg.length == 4 && seg[3].equals("replay")) {
                allow(method, "POST");
                ReplayEdit edit = body == null || body.length == 0 ? ReplayEdit.NONE
                        : JSON.readValue(body, ReplayEdit.class);
                TunnelTarget t = tunnels.apply(c.tunnel()).orElseThrow(() -> new ApiError(409, "tunnel_not_found",
                        "tunnel '" + c.tunnel() + "' is no longer served by this agent: there is nowhere to replay"));
                try {
                    return json(201, detail(replayer.replay(c, edit, t.localHost(), t.localPort()), new WeChatView()));
                } catch (RequestReplayer.ReplayException e) {
                    int status = e.code().startsWith("local_service") ? 502 : e.code().equals("body_truncated")
                            ? 409 : 400;
                    throw new ApiError(status, e.code(), e.getMessage());
                }
            }
        }
        if (seg[1].equals("wechat")) {
            return wechatRoute(method, seg, body);
        }
        throw new ApiError(404, "not_found", "no such endpoint: " + path);
    }

    private Response wechatRoute(String method, String[] seg, byte[] body) throws IOException, ApiError {
        if (seg.length == 2) {
            allow(method, "GET");
            Map<String, Object> out = new LinkedHashMap<>();
            wechat.forEach((name, cfg) -> {
                // in a fixed order (Map.of iterates in a per-run order): encrypted, then appId
                Map<String, Object> tunnel = new LinkedHashMap<>();
                tunnel.put("encrypted", cfg.encrypted());
                tunnel.put("appId", cfg.appId() == null ? "" : cfg.appId());
                out.put(name, tunnel);
            });
            return json(200, Map.of("tunnels", out));
        }
        if (seg.length == 3 && seg[2].equals("sign")) {
            allow(method, "POST");
            SignRequest r = JSON.readValue(body, SignRequest.class);
            WeChatSignature.Check check = WeChatSignature.check(r.token(), r.timestamp(), r.nonce(),
                    r.signature() == null ? "" : r.signature());
            return json(200, new SignResult(check.expected(), r.signature() == null ? null : check.valid(),
                    r.signature() == null ? null : check.reason()));
        }
        String tunnel = seg[2];
        if (seg.length == 3) {
            if (method.equals("DELETE")) {
                wechat.remove(tunnel);
                wechatChanged.accept(Map.copyOf(wechat));
                return new Response(204, null, null);
            }
            allow(method, "PUT");
            tunnels.apply(tunnel).orElseThrow(() -> noTunnel(tunnel));
            WeChatSettings s = JSON.readValue(body, WeChatSettings.class);
            try {
                wechat.put(tunnel, new WeChatConfig(s.token(), s.encodingAESKey(), s.appId()));
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "invalid_wechat_settings", e.getMessage());
            }
            wechatChanged.accept(Map.copyOf(wechat));
            return new Response(204, null, null);
        }
        if (seg.length == 4 && seg[3].equals("test-message")) {
            allow(method, "POST");
            TunnelTarget t = tunnels.apply(tunnel).orElseThrow(() -> noTunnel(tunnel));
            WeChatConfig cfg = wechat.get(tunnel);
            if (cfg == null) {
                throw new ApiError(409, "wechat_mode_off", "tunnel '" + tunnel + "' is not in WeChat mode: set its "
                        + "token first (PUT /api/wechat/" + tunnel + ")");
            }
            if (t.publicUrl() == null) {
                throw new ApiError(409, "tunnel_not_ready", "tunnel '" + tunnel + "' has no public URL yet");
            }
            TestMessageRequest r = body == null || body.length == 0
                    ? new TestMessageRequest(null, null, null, null) : JSON.readValue(body, TestMessageRequest.class);
            String path = r.path() == null ? "/" : r.path();
            if (!path.startsWith("/")) {
                throw new ApiError(400, "invalid_path", "path '" + path + "' must start with '/'");
            }
            try {
                WeChatTestMessage m = WeChatTestMessage.build(cfg, r.type() == null ? "text" : r.type(),
                        r.content(), r.openId() == null ? "oFLUXtestUser0000000000000000" : r.openId(),
                        Instant.now().getEpochSecond());
                return json(200, m.send(URI.create(t.publicUrl().replaceAll("/+$", "") + path)));
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "invalid_test_message", e.getMessage());
            } catch (IOException e) {
                throw new ApiError(502, "public_url_unreachable", "cannot reach the tunnel's public URL "
                        + t.publicUrl() + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiError(503, "interrupted", "the agent is stopping");
            }
        }
        throw new ApiError(404, "not_found", "no such endpoint: /" + String.join("/", seg));
    }

    private static ApiError noTunnel(String tunnel) {
        return new ApiError(404, "tunnel_not_found", "this agent serves no tunnel named '" + tunnel + "'");
    }

    record SignRequest(String token, String timestamp, String nonce, String signature) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SignResult(String expected, Boolean valid, String reason) {
    }

    record WeChatSettings(String token, String encodingAESKey, String appId) {
    }

    record TestMessageRequest(String type, String content, String openId, String path) {
    }

    /** One line of the request list. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Summary(long id, String tunnel, String time, String method, String path, String query,
                          int status, long durationMillis, long requestBytes, long responseBytes, Long replayOf,
                          WeChatSummary wechat) {
    }

    /** The WeChat facts shown in the list: signature valid, late, the n-th delivery of the same message. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WeChatSummary(String kind, boolean signatureValid, boolean overDeadline, String retryKey,
                                int delivery) {
    }

    /** One message of an exchange. */
    public record Message(List<HttpHeader> headers, FormattedBody body) {
    }

    /** Everything about one exchange. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Detail(long id, String tunnel, String time, String method, String path, String query,
                         int status, long durationMillis, Long replayOf, Message request, Message response,
                         WeChatRequestAnalysis wechat, List<Long> sameMessage) {
    }

    Summary summary(CapturedExchange c, WeChatView view) {
        WeChatRequestAnalysis w = view.analysis(c);
        WeChatSummary ws = null;
        if (w != null) {
            List<Long> same = view.sameMessage(c, w);
            ws = new WeChatSummary(w.kind(), w.signature().valid() && (w.msgSignature() == null
                    || w.msgSignature().valid()), w.overDeadline(), w.retryKey(), same.indexOf(c.id()) + 1);
        }
        return new Summary(c.id(), c.tunnel(), c.time().toString(), c.method(), c.path(), c.query(), c.status(),
                c.durationMillis(), c.request() == null ? 0 : c.request().bodySize(),
                c.response() == null ? 0 : c.response().bodySize(), c.replayOf(), ws);
    }

    Detail detail(CapturedExchange c, WeChatView view) {
        WeChatRequestAnalysis w = view.analysis(c);
        return new Detail(c.id(), c.tunnel(), c.time().toString(), c.method(), c.path(), c.query(), c.status(),
                c.durationMillis(), c.replayOf(), message(c.request()), message(c.response()), w,
                w == null || w.retryKey() == null ? null : view.sameMessage(c, w));
    }

    private static Message message(HttpMessageCapture m) {
        return m == null ? null : new Message(m.headers(), BodyFormatter.format(m));
    }

    /**
     * The WeChat analyses of one API call, each exchange analysed (and decrypted) once, and the deliveries of each
     * message found in one pass (WeChat delivers a message again when it got no answer in time).
     */
    private final class WeChatView {
        private final Map<Long, Optional<WeChatRequestAnalysis>> analyses = new HashMap<>();
        private Map<String, List<Long>> deliveries;

        WeChatRequestAnalysis analysis(CapturedExchange c) {
            return analyses.computeIfAbsent(c.id(), id -> Optional.ofNullable(analyse(c))).orElse(null);
        }

        List<Long> sameMessage(CapturedExchange c, WeChatRequestAnalysis w) {
            if (w.retryKey() == null) {
                return List.of(c.id());
            }
            if (deliveries == null) {
                deliveries = new HashMap<>();
                for (CapturedExchange other : capture.list(null, 0)) {
                    WeChatRequestAnalysis o = other.replayOf() == null ? analysis(other) : null;
                    if (o != null && o.retryKey() != null) {
                        deliveries.computeIfAbsent(other.tunnel() + "\n" + o.retryKey(), k -> new ArrayList<>())
                                .add(other.id());
                    }
                }
            }
            return deliveries.getOrDefault(c.tunnel() + "\n" + w.retryKey(), List.of(c.id()));
        }
    }

    private WeChatRequestAnalysis analyse(CapturedExchange c) {
        WeChatConfig cfg = wechat.get(c.tunnel());
        if (cfg == null) {
            return null;
        }
        String body = c.request() == null ? "" : new String(c.request().body(), StandardCharsets.UTF_8);
        return WeChatRequestAnalysis.of(cfg, c.method(), c.target(), body, c.durationMillis());
    }

    private Response page(String csrfToken) throws IOException {
        try (InputStream in = RequestInspector.class.getResourceAsStream("inspector.html")) {
            if (in == null) {
                throw new IOException("inspector.html is missing from the jar");
            }
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("{{csrfToken}}", csrfToken);
            return new Response(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static Response json(int status, Object value) throws IOException {
        return new Response(status, "application/json", JSON.writeValueAsBytes(value));
    }

    private static Response error(int status, String code, String message) {
        try {
            return json(status, Map.of("error", code, "message", message));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void allow(String method, String allowed) throws ApiError {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "method_not_allowed", "this endpoint accepts " + allowed + " only, not "
                    + method);
        }
    }

    private static long number(String what, String value) throws ApiError {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiError(400, "invalid_parameter", what + " '" + value + "' is not a number (expected: 0 or more)");
    }

    static Map<String, String> params(String query) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(java.net.URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static final class ApiError extends Exception {
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }
}
