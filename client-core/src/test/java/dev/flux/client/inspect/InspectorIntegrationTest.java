package dev.flux.client.inspect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.sun.net.httpserver.HttpServer;
import dev.flux.client.Agent;
import dev.flux.client.AgentListener;
import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import dev.flux.client.admin.LocalAdminServer;
import dev.flux.client.config.AgentConfigLoader;
import dev.flux.client.wechat.WeChatConfig;
import dev.flux.client.wechat.WeChatCrypto;
import dev.flux.client.wechat.WeChatMessage;
import dev.flux.client.wechat.WeChatSignature;
import dev.flux.client.wechat.WeChatTestMessage;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node, a real agent and the inspector's admin API in one JVM, over real sockets on 127.0.0.1: requests
 * through the node show up in the API, replays reach the local service again, and WeChat messages signed and
 * encrypted by the kit pass a local server that checks them.
 */
class InspectorIntegrationTest {

    static final String TOKEN = "flx_integration-test-token-0123456789";
    static final String WX_TOKEN = "pamtest";
    static final String WX_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
    static final String WX_APP = "wxb11529c136998cb6";
    static final ObjectMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path dir;

    GatewayNode node;
    Agent agent;
    HttpServer web;
    HttpServer wx;
    LocalAdminServer admin;
    RequestInspector inspector;
    final HttpClient http = HttpClient.newHttpClient();
    /** What the local web service received: METHOD PATH BODY. */
    final List<String> received = new CopyOnWriteArrayList<>();
    /** The decrypted messages the local WeChat server accepted. */
    final List<String> wechatMessages = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                publicHost = "127.0.0.1"
                [[tokens]]
                name = "it"
                token = "%s"
                """.formatted(TOKEN), "node.toml", dir));
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] in = ex.getRequestBody().readAllBytes();
            received.add(ex.getRequestMethod() + " " + ex.getRequestURI() + " " + new String(in,
                    StandardCharsets.UTF_8));
            byte[] body = "{\"seen\":true}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        web.start();
        wx = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        wx.createContext("/wx", ex -> {
            String answer = checkWeChat(ex.getRequestURI().getRawQuery(),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(answer.equals("success") ? 200 : 400, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        wx.start();
        agent = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = %d
                subdomain = "web"
                [[tunnels]]
                name = "wx"
                type = "http"
                localPort = %d
                customDomains = ["localhost"]
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), web.getAddress().getPort(),
                wx.getAddress().getPort()), "flux.toml", dir), new AgentListener() { });
        inspector = new RequestInspector(new RequestCapture(new InspectSettings(50, 1024), null), this::target);
        agent.observeHttp(inspector.capture());
        admin = LocalAdminServer.start(0, List::of, null, inspector);
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().stream()
                .allMatch(s -> s.state() == TunnelState.READY));
    }

    @AfterEach
    void tearDown() {
        admin.close();
        agent.close();
        node.close();
        web.stop(0);
        wx.stop(0);
    }

    private Optional<RequestInspector.TunnelTarget> target(String name) {
        for (TunnelStatus s : agent.status()) {
            if (s.name().equals(name)) {
                String local = s.localAddress();
                int colon = local.lastIndexOf(':');
                return Optional.of(new RequestInspector.TunnelTarget(local.substring(0, colon),
                        Integer.parseInt(local.substring(colon + 1)), s.urls().isEmpty() ? null : s.urls().get(0)));
            }
        }
        return Optional.empty();
    }

    /** The local WeChat server: checks signature and msg_signature, decrypts, answers "success" or the reason. */
    private String checkWeChat(String rawQuery, String body) {
        Map<String, String> q = new HashMap<>();
        for (String p : rawQuery.split("&")) {
            int eq = p.indexOf('=');
            q.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        WeChatSignature.Check sig = WeChatSignature.check(WX_TOKEN, q.get("timestamp"), q.get("nonce"),
                q.get("signature"));
        if (!sig.valid()) {
            return sig.reason();
        }
        String encrypt = WeChatMessage.fields(body).get("Encrypt");
        WeChatSignature.Check msgSig = WeChatSignature.checkMessage(WX_TOKEN, q.get("timestamp"), q.get("nonce"),
                encrypt, q.get("msg_signature"));
        if (!msgSig.valid()) {
            return msgSig.reason();
        }
        wechatMessages.add(new WeChatCrypto(WX_KEY, WX_APP).decrypt(encrypt).message());
        return "success";
    }

    @Test
    void aRequestThroughTheNodeIsInTheApiWithHeadersAndBodies() throws Exception {
        visit("POST /items?page=2 HTTP/1.1\r\nHost: web.tunnel.test\r\nX-Trace: abc\r\nContent-Type: "
                + "application/json\r\nContent-Length: 9\r\nConnection: close\r\n\r\n{\"a\":[1]}");
        JsonNode list = await().atMost(Duration.ofSeconds(5)).until(() -> api("GET", "/api/requests?tunnel=web",
                null, Map.of()).body(), b -> b.get("requests").size() == 1).get("requests");
        JsonNode s = list.get(0);
        assertThat(s.get("method").asText()).isEqualTo("POST");
        assertThat(s.get("path").asText()).isEqualTo("/items");
        assertThat(s.get("query").asText()).isEqualTo("page=2");
        assertThat(s.get("status").asInt()).isEqualTo(200);
        assertThat(s.get("requestBytes").asLong()).isEqualTo(9);

        JsonNode d = api("GET", "/api/requests/" + s.get("id").asLong(), null, Map.of()).body();
        assertThat(d.at("/request/headers").toString()).contains("{\"name\":\"X-Trace\",\"value\":\"abc\"}");
        assertThat(d.at("/request/body/kind").asText()).isEqualTo("json");
        assertThat(d.at("/request/body/text").asText()).isEqualTo("{\n  \"a\" : [ 1 ]\n}");
        assertThat(d.at("/response/body/text").asText()).isEqualTo("{\n  \"seen\" : true\n}");
        assertThat(api("GET", "/api/requests?after=" + s.get("id").asLong(), null, Map.of()).body()
                .get("requests")).isEmpty();
        assertThat(api("GET", "/api/requests/999", null, Map.of()).status()).isEqualTo(404);
    }

    @Test
    void replayAndEditedReplayReachTheLocalServiceAgain() throws Exception {
        visit("POST /items HTTP/1.1\r\nHost: web.tunnel.test\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                + "Connection: close\r\n\r\nfirst");
        long id = await().atMost(Duration.ofSeconds(5)).until(() -> api("GET", "/api/requests", null, Map.of())
                .body().get("requests"), r -> r.size() == 1).get(0).get("id").asLong();
        assertThat(received).containsExactly("POST /items first");

        Reply replay = api("POST", "/api/requests/" + id + "/replay", null, Map.of());
        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.body().get("replayOf").asLong()).isEqualTo(id);
        assertThat(replay.body().get("status").asInt()).isEqualTo(200);
        assertThat(replay.body().at("/response/body/text").asText()).contains("\"seen\" : true");
        assertThat(received).containsExactly("POST /items first", "POST /items first");

        Reply edited = api("POST", "/api/requests/" + id + "/replay", Map.of("method", "PUT", "path",
                "/items/7?v=2", "body", "changed"), Map.of());
        assertThat(edited.status()).isEqualTo(201);
        assertThat(received).last().isEqualTo("PUT /items/7?v=2 changed");
        assertThat(edited.body().at("/request/body/text").asText()).isEqualTo("changed");

        JsonNode all = api("GET", "/api/requests", null, Map.of()).body().get("requests");
        assertThat(all).hasSize(3);
        assertThat(all.get(2).get("replayOf").asLong()).isEqualTo(id);

        assertThat(api("POST", "/api/requests/" + id + "/replay", Map.of("path", "no slash"), Map.of()).body()
                .get("error").asText()).isEqualTo("invalid_path");
    }

    @Test
    void foreignPagesAreRefusedAndThePageCarriesItsToken() throws Exception {
        visit("GET /x HTTP/1.1\r\nHost: web.tunnel.test\r\nConnection: close\r\n\r\n");
        long id = await().atMost(Duration.ofSeconds(5)).until(() -> api("GET", "/api/requests", null, Map.of())
                .body().get("requests"), r -> r.size() == 1).get(0).get("id").asLong();

        Reply foreign = api("POST", "/api/requests/" + id + "/replay", null, Map.of("Origin", "https://evil.example",
                "X-Flux-Csrf", admin.csrfToken()));
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.body().get("error").asText()).isEqualTo("forbidden_origin");
        Reply noToken = api("POST", "/api/requests/" + id + "/replay", null, Map.of("Origin",
                "http://127.0.0.1:" + admin.port()));
        assertThat(noToken.status()).isEqualTo(403);
        assertThat(noToken.body().get("error").asText()).isEqualTo("csrf_token_required");
        assertThat(received).hasSize(1);

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port()
                + "/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<meta name=\"flux-csrf\" content=\"" + admin.csrfToken() + "\">");

        Reply fromPage = api("POST", "/api/requests/" + id + "/replay", null, Map.of("Origin",
                "http://127.0.0.1:" + admin.port(), "X-Flux-Csrf", admin.csrfToken()));
        assertThat(fromPage.status()).isEqualTo(201);
        assertThat(received).hasSize(2);
    }

    @Test
    void aSignedEncryptedTestMessageGoesThroughTheTunnelAndIsRecognised() throws Exception {
        assertThat(api("POST", "/api/wechat/wx/test-message", Map.of(), Map.of()).body().get("error").asText())
                .isEqualTo("wechat_mode_off");
        assertThat(api("PUT", "/api/wechat/wx", Map.of("token", WX_TOKEN, "encodingAESKey", "short"), Map.of())
                .body().get("message").asText()).startsWith("EncodingAESKey has 5 characters, not 43");
        assertThat(api("PUT", "/api/wechat/wx", Map.of("token", WX_TOKEN, "encodingAESKey", WX_KEY, "appId",
                WX_APP), Map.of()).status()).isEqualTo(204);

        Reply sent = api("POST", "/api/wechat/wx/test-message", Map.of("type", "text", "content", "你好 FLUX",
                "path", "/wx"), Map.of());
        assertThat(sent.status()).isEqualTo(200);
        assertThat(sent.body().get("body").asText()).isEqualTo("success");
        assertThat(sent.body().get("status").asInt()).isEqualTo(200);
        assertThat(wechatMessages).singleElement().satisfies(m ->
                assertThat(WeChatMessage.fields(m)).containsEntry("Content", "你好 FLUX"));

        JsonNode s = await().atMost(Duration.ofSeconds(5)).until(() -> api("GET", "/api/requests?tunnel=wx", null,
                Map.of()).body().get("requests"), r -> r.size() == 1).get(0);
        assertThat(s.at("/wechat/kind").asText()).isEqualTo("message");
        assertThat(s.at("/wechat/signatureValid").asBoolean()).isTrue();
        assertThat(s.at("/wechat/delivery").asInt()).isEqualTo(1);
        JsonNode d = api("GET", "/api/requests/" + s.get("id").asLong(), null, Map.of()).body();
        assertThat(d.at("/wechat/encrypted").asBoolean()).isTrue();
        assertThat(d.at("/wechat/msgSignature/valid").asBoolean()).isTrue();
        assertThat(d.at("/wechat/fields/Content").asText()).isEqualTo("你好 FLUX");

        // WeChat delivers a message again when it got no answer in time: the deliveries are grouped
        WeChatTestMessage again = WeChatTestMessage.build(new WeChatConfig(WX_TOKEN, WX_KEY, WX_APP), "text", "twice",
                "oRetry", 1714036504);
        for (int i = 0; i < 2; i++) {
            visit("POST /wx?" + again.query() + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
                    + again.body().getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n"
                    + again.body());
        }
        JsonNode all = await().atMost(Duration.ofSeconds(5)).until(() -> api("GET", "/api/requests?tunnel=wx", null,
                Map.of()).body().get("requests"), r -> r.size() == 3);
        assertThat(all.get(1).at("/wechat/delivery").asInt()).isEqualTo(1);
        assertThat(all.get(2).at("/wechat/delivery").asInt()).isEqualTo(2);
        JsonNode retried = api("GET", "/api/requests/" + all.get(2).get("id").asLong(), null, Map.of()).body();
        assertThat(retried.get("sameMessage")).extracting(JsonNode::asLong)
                .containsExactly(all.get(1).get("id").asLong(), all.get(2).get("id").asLong());
        assertThat(wechatMessages).hasSize(3);
    }

    @Test
    void theSignatureTesterOfTheApi() throws Exception {
        JsonNode ok = api("POST", "/api/wechat/sign", Map.of("token", "AAAAA", "timestamp", "1714036504", "nonce",
                "1514711492", "signature", "f464b24fc39322e44b38aa78f5edd27bd1441696"), Map.of()).body();
        assertThat(ok.get("valid").asBoolean()).isTrue();
        JsonNode bad = api("POST", "/api/wechat/sign", Map.of("token", "AAAAB", "timestamp", "1714036504", "nonce",
                "1514711492", "signature", "f464b24fc39322e44b38aa78f5edd27bd1441696"), Map.of()).body();
        assertThat(bad.get("valid").asBoolean()).isFalse();
        assertThat(bad.get("reason").asText()).contains("does not match");
    }

    record Reply(int status, JsonNode body) {
    }

    private Reply api(String method, String path, Object body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        headers.forEach(b::header);
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Reply(r.statusCode(), r.body().length == 0 ? null : JSON.readTree(r.body()));
    }

    private void visit(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", node.vhostAddress().getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 200");
        }
    }
}
