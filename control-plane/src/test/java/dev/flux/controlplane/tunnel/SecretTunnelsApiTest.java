package dev.flux.controlplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.ApiClient.Response;
import dev.flux.controlplane.testing.TestPostgres;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/**
 * Secret tunnels (stcp, sudp, xtcp) in the control plane, on a real PostgreSQL database: stored with their type and
 * allowUsers but never a secret, handed to the owner's agent and to nodes, and found by visitors through
 * {@code /api/v1/visits/{owner}/{name}} when the owner lets them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + SecretTunnelsApiTest.FIRST_PASSWORD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretTunnelsApiTest {

    static final String FIRST_PASSWORD = "first-start-password";
    private static final String DATABASE = TestPostgres.newDatabase("secret_tunnels");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
    }

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    private ApiClient api;
    private String admin;
    private String node;

    @BeforeAll
    void signIn() {
        api = new ApiClient(port);
        String password = "the admin's own password";
        admin = api.firstAdminToken(FIRST_PASSWORD, password, "secret");
        Response created = api.post("/api/v1/nodes", admin, Map.of("name", "edge", "publicHost", "127.0.0.1"));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        node = created.text("credential");
        assertThat(api.post("/node-api/v1/register", node, Map.of("tunnelHost", "127.0.0.1", "tunnelPort", 7000,
                "fingerprint", "SHA256:edge", "version", "0.1.0-test")).status()).isEqualTo(200);
    }

    @Test
    void aSecretTunnelIsStoredWithItsVisitorsAndNoSecret() {
        String alice = signUp("alice");
        Response created = api.post("/api/v1/tunnels", alice, Map.of("name", "db", "type", "stcp",
                "localTarget", "localhost:5432", "allowUsers", List.of("bob", "carol", "bob")));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.text("type")).isEqualTo("stcp");
        assertThat(created.body().path("allowUsers").toString()).isEqualTo("[\"bob\",\"carol\"]");
        assertThat(created.body().path("publicUrl").isNull()).isTrue();
        assertThat(created.body().path("remotePort").isNull()).isTrue();
        assertThat(created.text("visitCommand")).isEqualTo("fluxctl visit alice/db --secret SECRET");

        // a secret sent along is not stored anywhere
        Response withSecret = api.post("/api/v1/tunnels", alice, Map.of("name", "cache", "type", "sudp",
                "localTarget", "localhost:6379", "secret", "do-not-store-me"));
        assertThat(withSecret.status()).as("%s", withSecret).isEqualTo(201);
        assertThat(withSecret.toString()).doesNotContain("do-not-store-me");
        assertThat(jdbc.sql("SELECT count(*) FROM tunnels t WHERE t::text LIKE '%do-not-store-me%'")
                .query(Long.class).single()).isZero();

        JsonNode db = tunnel(api.get("/api/v1/agent/config", alice).body(), "db");
        assertThat(db.path("type").asString()).isEqualTo("stcp");
        assertThat(db.path("allowUsers").toString()).isEqualTo("[\"bob\",\"carol\"]");
        assertThat(db.has("secret")).isFalse();
        assertThat(tunnel(api.get("/api/v1/agent/config", alice).body(), "cache").path("type").asString())
                .isEqualTo("sudp");
    }

    @Test
    void xtcpIsStoredLikeStcp() {
        String xena = signUp("xena");
        Response created = api.post("/api/v1/tunnels", xena, Map.of("name", "desk", "type", "xtcp",
                "localTarget", "localhost:3389", "allowUsers", List.of("yuri")));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(tunnel(api.get("/api/v1/agent/config", xena).body(), "desk").path("type").asString())
                .isEqualTo("xtcp");
    }

    @Test
    void badSecretTunnelRequestsAreRefusedNamingTheField() {
        String dora = signUp("dora");
        assertBadRequest(dora, Map.of("type", "stcp", "remotePort", 20001), "remotePort: stcp tunnels have no public "
                + "address; visitors reach them with `fluxctl visit OWNER/NAME --secret SECRET`; omit it");
        assertBadRequest(dora, Map.of("type", "sudp", "subdomain", "x"), "subdomain: sudp tunnels have no public "
                + "address; visitors reach them with `fluxctl visit OWNER/NAME --secret SECRET`; omit it");
        assertBadRequest(dora, Map.of("type", "stcp", "basicAuth", "a:b"), "basicAuth: only http and https tunnels "
                + "can ask visitors for a password; stcp visitors prove they hold the tunnel's secret");
        assertBadRequest(dora, Map.of("type", "stcp", "allowIps", List.of("10.0.0.0/8")), "allowIps: stcp tunnels "
                + "are visited through the node by signed-in users, not from public addresses; choose who may visit "
                + "with allowUsers");
        assertBadRequest(dora, Map.of("type", "stcp", "proxyProtocol", "v2"),
                "proxyProtocol: only tcp, udp and http(s) tunnels send a PROXY header");
        assertBadRequest(dora, Map.of("type", "tcp", "allowUsers", List.of("bob")), "allowUsers: only stcp, sudp and "
                + "xtcp tunnels are visited by users; tcp tunnels are public (limit them with allowIps)");
        assertBadRequest(dora, Map.of("type", "stcp", "allowUsers", List.of("Bob Smith")), "allowUsers: 'Bob Smith' "
                + "is not a user name (expected: 1-64 lower-case letters, digits, '.', '_' or '-', starting with a "
                + "letter or digit)");
        assertThat(api.get("/api/v1/tunnels", dora).body().size()).isZero();
    }

    @Test
    void visitorsLearnTheNodeOnlyWhenTheOwnerAllowsThem() {
        String olga = signUp("olga");
        String pete = signUp("pete");
        String rita = signUp("rita");
        Response created = api.post("/api/v1/tunnels", olga, Map.of("name", "ssh", "type", "stcp",
                "localTarget", "localhost:22", "allowUsers", List.of("pete")));
        assertThat(created.status()).as("%s", created).isEqualTo(201);

        for (String allowed : List.of(olga, pete)) {
            Response visit = api.get("/api/v1/visits/olga/ssh", allowed);
            assertThat(visit.status()).as("%s", visit).isEqualTo(200);
            assertThat(visit.text("owner")).isEqualTo("olga");
            assertThat(visit.text("name")).isEqualTo("ssh");
            assertThat(visit.text("type")).isEqualTo("stcp");
            assertThat(visit.text("state")).isEqualTo("offline");
            JsonNode n = visit.body().path("node");
            assertThat(n.path("name").asString()).isEqualTo("edge");
            assertThat(n.path("tunnelHost").asString()).isEqualTo("127.0.0.1");
            assertThat(n.path("tunnelPort").asInt()).isEqualTo(7000);
            assertThat(n.path("fingerprint").asString()).isEqualTo("SHA256:edge");
        }

        Response refused = api.get("/api/v1/visits/olga/ssh", rita);
        assertError(refused, 403, "visit_refused");
        assertThat(refused.text("message")).isEqualTo("user 'rita' is not allowed to visit secret tunnel 'olga/ssh'; "
                + "ask olga to add you to its allowUsers");

        assertError(api.get("/api/v1/visits/olga/nothing", pete), 404, "not_found");
        assertError(api.get("/api/v1/visits/nobody/ssh", pete), 404, "not_found");
        // a public tunnel is no secret tunnel to visit
        assertThat(api.post("/api/v1/tunnels", olga, Map.of("name", "web", "type", "http",
                "localTarget", "localhost:8080")).status()).isEqualTo(201);
        assertError(api.get("/api/v1/visits/olga/web", olga), 404, "not_found");

        // once a node serves it, the visit says so; disabled, it is refused
        long id = created.body().path("id").asLong();
        assertThat(api.post("/node-api/v1/tunnels/" + id + "/state", node, Map.of("state", "online")).status())
                .isEqualTo(200);
        assertThat(api.get("/api/v1/visits/olga/ssh", pete).text("state")).isEqualTo("online");
        assertThat(api.post("/api/v1/tunnels/ssh/disable", olga, null).status()).isEqualTo(200);
        assertError(api.get("/api/v1/visits/olga/ssh", pete), 409, "tunnel_disabled");
    }

    @Test
    void anEmptyAllowListLetsEverySignedInUserFindTheNode() {
        String sam = signUp("sam");
        String tina = signUp("tina");
        assertThat(api.post("/api/v1/tunnels", sam, Map.of("name", "game", "type", "sudp",
                "localTarget", "localhost:27015")).status()).isEqualTo(201);
        Response visit = api.get("/api/v1/visits/sam/game", tina);
        assertThat(visit.status()).as("%s", visit).isEqualTo(200);
        assertThat(visit.text("type")).isEqualTo("sudp");
    }

    @Test
    void nodesCreateAndAuthorizeSecretTunnelsWithTheStoredVisitors() {
        String uma = signUp("uma");
        JsonNode who = api.post("/node-api/v1/agents/verify", node, Map.of("token", uma)).body();
        Map<String, Object> body = new HashMap<>(Map.of("userId", who.path("userId").asLong(),
                "tokenId", who.path("tokenId").asLong(), "name", "files", "type", "stcp",
                "localTarget", "localhost:445", "allowUsers", List.of("vic")));
        Response first = api.post("/node-api/v1/tunnels/authorize", node, body);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.body().path("allowUsers").toString()).isEqualTo("[\"vic\"]");
        assertThat(tunnel(api.get("/api/v1/agent/config", uma).body(), "files").path("type").asString())
                .isEqualTo("stcp");

        // the stored list wins over what an agent asks for later
        body.put("allowUsers", List.of("mallory"));
        Response again = api.post("/node-api/v1/tunnels/authorize", node, body);
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.body().path("allowUsers").toString()).isEqualTo("[\"vic\"]");

        body.put("type", "sudp");
        assertError(api.post("/node-api/v1/tunnels/authorize", node, body), 409, "tunnel_mismatch");
    }

    private static JsonNode tunnel(JsonNode config, String name) {
        return StreamSupport.stream(config.path("tunnels").spliterator(), false)
                .filter(t -> t.path("name").asString().equals(name)).findFirst().orElseThrow();
    }

    private void assertBadRequest(String token, Map<String, Object> fields, String message) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "bad", "localTarget", "localhost:22"));
        body.putAll(fields);
        Response r = api.post("/api/v1/tunnels", token, body);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.text("error")).isEqualTo("bad_request");
        assertThat(r.text("message")).isEqualTo(message);
    }

    private static void assertError(Response response, int status, String error) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(error);
        assertThat(response.text("message")).as("%s", response).isNotBlank();
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
}
