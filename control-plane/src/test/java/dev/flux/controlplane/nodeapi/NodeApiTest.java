package dev.flux.controlplane.nodeapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.ApiClient.Response;
import dev.flux.controlplane.testing.TestPostgres;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.user.UserRepository;
import dev.flux.protocol.auth.Tokens;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The node API, the tunnel switches and the agent configuration over real HTTP, on a real PostgreSQL database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + NodeApiTest.ADMIN_FIRST_PASSWORD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodeApiTest {

    static final String ADMIN_FIRST_PASSWORD = "first-start-password";
    private static final String ADMIN_PASSWORD = "the admin's own password";
    private static final String DATABASE = TestPostgres.newDatabase("node_api");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
    }

    @LocalServerPort
    int port;
    @Autowired
    UserRepository users;
    @Autowired
    ApiTokenRepository tokens;
    @Autowired
    JdbcClient jdbc;

    private ApiClient api;
    private String admin;
    private String node;
    private long nodeId;

    @BeforeAll
    void setUp() {
        api = new ApiClient(port);
        admin = api.firstAdminToken(ADMIN_FIRST_PASSWORD, ADMIN_PASSWORD, "test admin");
        Response created = api.post("/api/v1/nodes", admin, Map.of("name", "edge1", "publicHost", "127.0.0.1",
                "subdomainHost", "127.0.0.1.nip.io"));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        node = created.text("credential");
        Response registered = api.post("/node-api/v1/register", node, registration());
        assertThat(registered.status()).as("%s", registered).isEqualTo(200);
        nodeId = registered.body().path("nodeId").asLong();
        assertThat(registered.text("name")).isEqualTo("edge1");
        assertThat(registered.body().path("heartbeatSeconds").asInt()).isEqualTo(5);
    }

    @Test
    void theNodeApiNeedsANodeCredential() {
        assertError(api.post("/node-api/v1/register", Tokens.generate(), registration()), 401, "invalid_credential");
        assertError(api.post("/node-api/v1/register", null, registration()), 401, "unauthenticated");
        assertError(api.get("/node-api/v1/events", admin), 401, "invalid_credential");
        // and a node credential is no API token
        assertError(api.get("/api/v1/me", node), 401, "invalid_token");
    }

    @Test
    void registeringPrunesEventsOlderThanAWeek() {
        jdbc.sql("INSERT INTO node_events (kind, user_id, at) VALUES ('user_disabled', 1, now() - interval '8 days')")
                .update();
        long seq = api.get("/node-api/v1/events", node).body().path("seq").asLong();
        String old = "SELECT count(*) FROM node_events WHERE at < now() - interval '7 days'";
        assertThat(api.post("/node-api/v1/register", node, registration()).status()).isEqualTo(200);
        // the newest event stays, so that the position does not go back
        assertThat(jdbc.sql(old).query(Long.class).single()).isEqualTo(
                jdbc.sql("SELECT count(*) FROM node_events WHERE seq = :seq AND at < now() - interval '7 days'")
                        .param("seq", seq).query(Long.class).single());
        assertThat(api.get("/node-api/v1/events", node).body().path("seq").asLong()).isEqualTo(seq);
    }

    @Test
    void aRegisteredNodeIsListedOnlineWithWhatItReported() {
        JsonNode listed = StreamSupport.stream(api.get("/api/v1/nodes", admin).body().spliterator(), false)
                .filter(n -> n.path("name").asString().equals("edge1")).findFirst().orElseThrow();
        assertThat(listed.path("online").asBoolean()).isTrue();
        assertThat(listed.path("tunnelPort").asInt()).isEqualTo(7000);
        assertThat(listed.path("httpPort").asInt()).isEqualTo(8080);
        assertThat(listed.path("fingerprint").asString()).isEqualTo("SHA256:abc");
        assertThat(listed.has("credentialHash")).isFalse();
    }

    @Test
    void verifyAcceptsGoodTokensAndSaysWhyOthersAreRefused() {
        String vera = signUp("vera");
        Response ok = verify(vera);
        assertThat(ok.status()).as("%s", ok).isEqualTo(200);
        assertThat(ok.text("username")).isEqualTo("vera");
        long userId = users.findByUsername("vera").orElseThrow().id();
        assertThat(ok.body().path("userId").asLong()).isEqualTo(userId);
        assertThat(ok.body().path("expiresAt").isNull()).isTrue();

        assertError(verify(Tokens.generate()), 401, "token_unknown");

        String expired = Tokens.generate();
        tokens.insert(userId, "old", expired.substring(0, 12), Tokens.hash(expired), List.of("tunnels"),
                Instant.now().minusSeconds(60));
        assertError(verify(expired), 401, "token_expired");

        String adminOnly = api.post("/api/v1/tokens", admin, Map.of("name", "ops", "scopes", List.of("admin")))
                .text("secret");
        assertError(verify(adminOnly), 403, "scope_missing");

        long tokenId = ok.body().path("tokenId").asLong();
        String second = api.post("/api/v1/tokens", vera, Map.of("name", "second")).text("secret");
        assertThat(api.delete("/api/v1/tokens/" + tokenId, second).status()).isEqualTo(204);
        Response revoked = verify(vera);
        assertError(revoked, 401, "token_revoked");
        assertThat(revoked.text("message")).startsWith("token 'sign-in' was revoked at ");

        assertThat(api.patch("/api/v1/users/" + userId, admin, Map.of("disabled", true)).status()).isEqualTo(200);
        assertError(verify(second), 403, "user_disabled");
    }

    @Test
    void authorizeFindsOrCreatesTheUsersTunnelByName() {
        String alma = signUp("alma");
        JsonNode who = verify(alma).body();
        Response first = authorize(who, "web", "http", Map.of("subdomain", "alma-web"));
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        long id = first.body().path("tunnelId").asLong();
        assertThat(first.text("subdomain")).isEqualTo("alma-web");
        assertThat(first.body().has("basicAuth")).isFalse();

        Response again = authorize(who, "web", "http", Map.of());
        assertThat(again.body().path("tunnelId").asLong()).isEqualTo(id);
        assertThat(again.text("subdomain")).isEqualTo("alma-web");
        Response created = api.get("/api/v1/tunnels/web", alma);
        assertThat(created.body().path("id").asLong()).isEqualTo(id);
        assertThat(created.text("publicUrl")).isEqualTo("http://alma-web.127.0.0.1.nip.io:8080");

        Response other = authorize(who, "web", "http", Map.of("subdomain", "elsewhere"));
        assertError(other, 409, "tunnel_mismatch");
        assertThat(other.text("message")).contains("subdomain 'alma-web', not 'elsewhere'");
        assertError(authorize(who, "web", "tcp", Map.of()), 409, "tunnel_mismatch");

        // someone else's subdomain is refused by the same rules as POST /api/v1/tunnels
        String bert = signUp("bert");
        Response taken = authorize(verify(bert).body(), "site", "http", Map.of("subdomain", "alma-web"));
        assertError(taken, 409, "taken");
        assertThat(taken.text("message")).isEqualTo("subdomain 'alma-web' is taken");

        // a port tunnel gets a port of the range
        Response tcp = authorize(who, "ssh", "tcp", Map.of());
        assertThat(tcp.body().path("remotePort").asInt()).isBetween(20000, 29999);

        assertThat(api.post("/api/v1/tunnels/web/disable", alma, null).body().path("enabled").asBoolean()).isFalse();
        Response disabled = authorize(who, "web", "http", Map.of());
        assertError(disabled, 409, "tunnel_disabled");
        assertThat(disabled.text("message"))
                .isEqualTo("tunnel 'web' is disabled; enable it with `fluxctl tunnel enable web`");
        assertThat(api.post("/api/v1/tunnels/web/enable", alma, null).body().path("enabled").asBoolean()).isTrue();
        assertThat(authorize(who, "web", "http", Map.of()).status()).isEqualTo(200);
    }

    @Test
    void httpsTunnelsCarryWhoTerminatesTls() {
        String cara = signUp("cara");
        Response passthrough = api.post("/api/v1/tunnels", cara, Map.of("name", "shop", "type", "https",
                "localTarget", "localhost:8443", "subdomain", "cara-shop"));
        assertThat(passthrough.status()).as("%s", passthrough).isEqualTo(201);
        assertThat(passthrough.text("tlsTermination")).isEqualTo("passthrough");
        assertThat(passthrough.text("publicUrl")).isEqualTo("https://cara-shop.127.0.0.1.nip.io:8443");
        Response terminated = api.post("/api/v1/tunnels", cara, Map.of("name", "app", "type", "https",
                "localTarget", "localhost:8080", "subdomain", "cara-app", "tlsTermination", "node",
                "basicAuth", "cara:s3cret"));
        assertThat(terminated.status()).as("%s", terminated).isEqualTo(201);
        assertThat(terminated.text("tlsTermination")).isEqualTo("node");

        JsonNode who = verify(cara).body();
        assertThat(authorize(who, "shop", "https", Map.of()).text("tlsTermination")).isEqualTo("passthrough");
        Response app = authorize(who, "app", "https", Map.of("tlsTermination", "node"));
        assertThat(app.text("tlsTermination")).isEqualTo("node");
        assertThat(app.text("basicAuth")).isEqualTo("cara:s3cret");
        Response mismatch = authorize(who, "shop", "https", Map.of("tlsTermination", "node"));
        assertError(mismatch, 409, "tunnel_mismatch");
        assertThat(mismatch.text("message")).contains("TLS terminated by the local service (passthrough)");
        // a node creating the tunnel an agent asks for keeps the agent's choice
        assertThat(authorize(who, "api", "https", Map.of("subdomain", "cara-api", "tlsTermination", "node"))
                .text("tlsTermination")).isEqualTo("node");
        JsonNode config = api.get("/api/v1/agent/config", cara).body().path("tunnels");
        assertThat(config.get(0).path("tlsTermination").asString()).isEqualTo("passthrough");
        assertThat(config.get(1).path("tlsTermination").asString()).isEqualTo("node");

        Response wrongValue = api.post("/api/v1/tunnels", cara, Map.of("name", "x", "type", "https",
                "localTarget", "l:1", "tlsTermination", "edge"));
        assertError(wrongValue, 400, "bad_request");
        assertThat(wrongValue.text("message")).startsWith("tlsTermination: 'edge' (expected: passthrough");
        assertError(api.post("/api/v1/tunnels", cara, Map.of("name", "x", "type", "http", "localTarget", "l:1",
                "tlsTermination", "node")), 400, "bad_request");
        Response passwordUnseen = api.post("/api/v1/tunnels", cara, Map.of("name", "x", "type", "https",
                "localTarget", "l:1", "basicAuth", "a:b"));
        assertError(passwordUnseen, 400, "bad_request");
        assertThat(passwordUnseen.text("message")).contains("--terminate");
    }

    @Test
    void basicAuthGoesToNodesAndAgentsButNeverIntoLists() {
        String bea = signUp("bea");
        Response created = api.post("/api/v1/tunnels", bea, Map.of("name", "admin-ui", "type", "http",
                "localTarget", "localhost:3000", "basicAuth", "bea:s3cret"));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.body().has("basicAuth")).isFalse();
        assertThat(api.get("/api/v1/tunnels", bea).body().toString()).doesNotContain("s3cret");
        assertThat(authorize(verify(bea).body(), "admin-ui", "http", Map.of()).text("basicAuth"))
                .isEqualTo("bea:s3cret");
        assertThat(api.get("/api/v1/agent/config", bea).body().path("tunnels").get(0).path("basicAuth").asString())
                .isEqualTo("bea:s3cret");
        assertError(api.post("/api/v1/tunnels", bea, Map.of("name", "x", "type", "http", "localTarget", "l:1",
                "basicAuth", "no-colon")), 400, "bad_request");
    }

    @Test
    void aRevocationReachesAWaitingNodeWithinTwoSeconds() throws Exception {
        String rex = signUp("rex");
        long tokenId = verify(rex).body().path("tokenId").asLong();
        long seq = api.get("/node-api/v1/events", node).body().path("seq").asLong();
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(
                () -> api.get("/node-api/v1/events?after=" + seq + "&waitSeconds=25", node));
        Thread.sleep(500); // the poll is waiting
        assertThat(poll).isNotDone();
        String other = api.post("/api/v1/tokens", rex, Map.of("name", "other")).text("secret");
        long revokedAt = System.nanoTime();
        assertThat(api.delete("/api/v1/tokens/" + tokenId, other).status()).isEqualTo(204);
        Response events = poll.get(25, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - revokedAt);
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        assertThat(events.body().path("seq").asLong()).isGreaterThan(seq);
        JsonNode event = events.body().path("events").get(0);
        assertThat(event.path("kind").asString()).isEqualTo("token_revoked");
        assertThat(event.path("tokenId").asLong()).isEqualTo(tokenId);
        assertThat(event.has("tunnelId")).isFalse();
    }

    @Test
    void tunnelSwitchesAndAccountChangesAreEvents() {
        String tia = signUp("tia");
        long userId = users.findByUsername("tia").orElseThrow().id();
        long seq = api.get("/node-api/v1/events", node).body().path("seq").asLong();
        long id = api.post("/api/v1/tunnels", tia, Map.of("name", "api", "type", "http", "localTarget", "l:80"))
                .body().path("id").asLong();
        assertThat(api.post("/api/v1/tunnels/api/disable", tia, null).text("state")).isEqualTo("disabled");
        assertThat(api.post("/api/v1/tunnels/" + id + "/disable", tia, null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/tunnels/api/enable", tia, null).text("state")).isEqualTo("offline");
        assertThat(api.post("/api/v1/tunnels/api/kick", tia, null).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/tunnels/api", tia).status()).isEqualTo(204);
        assertThat(api.patch("/api/v1/users/" + userId, admin, Map.of("disabled", true)).status()).isEqualTo(200);

        JsonNode events = api.get("/node-api/v1/events?after=" + seq + "&waitSeconds=0", node).body().path("events");
        assertThat(events.findValuesAsString("kind"))
                .containsExactly("tunnel_disabled", "tunnel_kicked", "tunnel_deleted", "user_disabled");
        assertThat(events.get(0).path("tunnelId").asLong()).isEqualTo(id);
        assertThat(events.get(3).path("userId").asLong()).isEqualTo(userId);
        assertThat(api.get("/api/v1/audit?action=tunnel.kick", admin).body().findValuesAsString("target"))
                .contains("tia/api");
    }

    @Test
    void theAgentConfigLongPollWakesWhenATunnelIsAdded() throws Exception {
        String ada = signUp("ada");
        Response now = api.get("/api/v1/agent/config", ada);
        assertThat(now.status()).as("%s", now).isEqualTo(200);
        long version = now.body().path("version").asLong();
        assertThat(now.text("username")).isEqualTo("ada");
        assertThat(now.body().path("nodes").findValuesAsString("name")).contains("edge1");
        assertThat(now.body().path("nodes").get(0).path("fingerprint").asString()).isEqualTo("SHA256:abc");

        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(
                () -> api.get("/api/v1/agent/config?after=" + version + "&waitSeconds=25", ada));
        Thread.sleep(500);
        assertThat(poll).isNotDone();
        long added = System.nanoTime();
        assertThat(api.post("/api/v1/tunnels", ada, Map.of("name", "db", "type", "tcp", "localTarget", "l:5432"))
                .status()).isEqualTo(201);
        Response changed = poll.get(25, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - added)).isLessThan(Duration.ofSeconds(1));
        assertThat(changed.body().path("version").asLong()).isGreaterThan(version);
        JsonNode tunnel = changed.body().path("tunnels").get(0);
        assertThat(tunnel.path("name").asString()).isEqualTo("db");
        assertThat(tunnel.path("enabled").asBoolean()).isTrue();
        assertThat(tunnel.path("publicUrl").asString()).startsWith("tcp://127.0.0.1:");

        // nothing changed: the poll waits its time and answers with the same version
        long current = changed.body().path("version").asLong();
        Response unchanged = api.get("/api/v1/agent/config?after=" + current + "&waitSeconds=1", ada);
        assertThat(unchanged.body().path("version").asLong()).isEqualTo(current);
    }

    @Test
    void heartbeatsAddUpTrafficPerMinuteAndTunnelsGoOnlineAndOffline() {
        String hal = signUp("hal");
        long id = authorize(verify(hal).body(), "shop", "http", Map.of("subdomain", "hal-shop")).body()
                .path("tunnelId").asLong();
        assertThat(api.post("/node-api/v1/tunnels/" + id + "/state", node, Map.of("state", "online")).status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/tunnels/shop", hal).text("state")).isEqualTo("online");
        for (int i = 0; i < 2; i++) {
            Response beat = api.post("/node-api/v1/heartbeat", node, Map.of("tunnels", List.of(Map.of(
                    "tunnelId", id, "bytesIn", 100, "bytesOut", 1000, "connections", 2, "activeConnections", 1))));
            assertThat(beat.body().path("ok").asBoolean()).isTrue();
        }
        List<Map<String, Object>> samples = jdbc.sql(
                        "SELECT bytes_in, bytes_out, connections FROM traffic_samples WHERE tunnel_id = :id")
                .param("id", id).query().listOfRows();
        // both heartbeats fell into one minute, or straddled two: the sums are what counts
        assertThat(samples).hasSizeBetween(1, 2);
        assertThat(samples.stream().mapToLong(r -> ((Number) r.get("bytes_in")).longValue()).sum()).isEqualTo(200);
        JsonNode tunnel = api.get("/api/v1/tunnels/shop", hal).body();
        assertThat(tunnel.path("bytesIn").asLong()).isEqualTo(200);
        assertThat(tunnel.path("bytesOut").asLong()).isEqualTo(2000);
        assertThat(tunnel.path("connections").asLong()).isEqualTo(4);
        assertThat(tunnel.path("lastSeenAt").isNull()).isFalse();

        assertThat(api.post("/node-api/v1/tunnels/" + id + "/state", node, Map.of("state", "offline")).status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/tunnels/shop", hal).text("state")).isEqualTo("offline");
        assertError(api.post("/node-api/v1/tunnels/" + id + "/state", node, Map.of("state", "up")), 400,
                "bad_request");
    }

    @Test
    void aUserCannotReadAnotherUsersTunnelByNameOrId() {
        String kim = signUp("kim");
        String lee = signUp("lee");
        long id = api.post("/api/v1/tunnels", kim, Map.of("name", "notes", "type", "http", "localTarget", "l:80"))
                .body().path("id").asLong();
        assertThat(api.get("/api/v1/tunnels/notes", kim).status()).isEqualTo(200);
        assertError(api.get("/api/v1/tunnels/notes", lee), 404, "not_found");
        assertError(api.get("/api/v1/tunnels/" + id, lee), 404, "not_found");
        assertError(api.post("/api/v1/tunnels/notes/disable", lee, null), 404, "not_found");
        assertError(api.post("/api/v1/tunnels/" + id + "/kick", lee, null), 404, "not_found");
        assertError(api.delete("/api/v1/tunnels/notes", lee), 404, "not_found");
        // an administrator acting as one reaches it by id
        assertThat(api.post("/api/v1/tunnels/" + id + "/disable", admin, null).status()).isEqualTo(200);
    }

    private Response verify(String token) {
        return api.post("/node-api/v1/agents/verify", node, Map.of("token", token));
    }

    private Response authorize(JsonNode who, String name, String type, Map<String, Object> extra) {
        Map<String, Object> body = new HashMap<>(extra);
        body.put("userId", who.path("userId").asLong());
        body.put("tokenId", who.path("tokenId").asLong());
        body.put("name", name);
        body.put("type", type);
        body.put("localTarget", "localhost:8080");
        return api.post("/node-api/v1/tunnels/authorize", node, body);
    }

    private static Map<String, Object> registration() {
        return Map.of("tunnelHost", "127.0.0.1", "tunnelPort", 7000, "httpPort", 8080, "httpsPort", 8443,
                "fingerprint", "SHA256:abc", "version", "0.1.0-test");
    }

    /** Creates a user (as admin), changes its first password and signs in; returns a tunnels token. */
    private String signUp(String username) {
        Response created = api.post("/api/v1/users", admin, Map.of("username", username));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String password = username + "'s password!";
        assertThat(api.post("/api/v1/auth/password", null, Map.of("username", username,
                "currentPassword", created.body().path("password").asString(), "newPassword", password)).status())
                .isEqualTo(204);
        Response token = api.post("/api/v1/auth/token", null, Map.of("username", username, "password", password));
        assertThat(token.status()).as("%s", token).isEqualTo(201);
        return token.text("secret");
    }

    private static void assertError(Response response, int status, String error) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(error);
        assertThat(response.text("message")).as("%s", response).isNotBlank();
    }
}
