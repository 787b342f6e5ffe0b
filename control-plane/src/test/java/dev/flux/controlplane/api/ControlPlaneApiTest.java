package dev.flux.controlplane.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.ApiClient.Response;
import dev.flux.controlplane.testing.TestPostgres;
import dev.flux.controlplane.token.ApiTokenRepository;
import dev.flux.controlplane.token.TokenIssuer;
import dev.flux.controlplane.security.Scope;
import dev.flux.controlplane.user.Role;
import dev.flux.controlplane.user.UserRepository;
import dev.flux.protocol.auth.Tokens;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** The REST API over real HTTP, on a real PostgreSQL database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + ControlPlaneApiTest.ADMIN_FIRST_PASSWORD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneApiTest {

    static final String ADMIN_FIRST_PASSWORD = "first-start-password";
    private static final String ADMIN_PASSWORD = "the admin's own password";
    private static final String DATABASE = TestPostgres.newDatabase("api");

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
    TokenIssuer issuer;
    @Autowired
    ApiTokenRepository tokens;

    private ApiClient api;
    private String admin;

    @BeforeAll
    void signInAsAdmin() {
        api = new ApiClient(port);
        // first start created the admin with the configured password, which must be changed before a sign-in
        Response refused = api.post("/api/v1/auth/token", null,
                Map.of("username", "admin", "password", ADMIN_FIRST_PASSWORD));
        assertError(refused, 403, "password_change_required");
        assertThat(api.post("/api/v1/auth/password", null, Map.of("username", "admin",
                "currentPassword", ADMIN_FIRST_PASSWORD, "newPassword", ADMIN_PASSWORD)).status()).isEqualTo(204);
        assertError(api.post("/api/v1/auth/token", null, Map.of("username", "admin", "password", ADMIN_FIRST_PASSWORD)),
                401, "invalid_credentials");
        Response signedIn = api.post("/api/v1/auth/token", null, Map.of("username", "admin",
                "password", ADMIN_PASSWORD, "tokenName", "test admin", "scopes", List.of("tunnels", "admin")));
        assertThat(signedIn.status()).isEqualTo(201);
        admin = signedIn.text("secret");
    }

    @Test
    void aTokenIsCreatedUsedAndRevoked() {
        String first = signUp("tess");
        Response created = api.post("/api/v1/tokens", first, Map.of("name", "laptop"));
        assertThat(created.status()).isEqualTo(201);
        String secret = created.text("secret");
        assertThat(secret).startsWith("flx_").hasSize(47);
        long id = created.body().path("token").path("id").asLong();
        assertThat(created.body().path("token").path("prefix").asString()).isEqualTo(secret.substring(0, 12));

        Response me = api.get("/api/v1/me", secret);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().path("user").path("username").asString()).isEqualTo("tess");
        assertThat(me.body().path("user").has("passwordHash")).isFalse();
        JsonNode listed = find(api.get("/api/v1/tokens", first).body(), id);
        assertThat(listed.has("secret")).isFalse();
        assertThat(listed.path("lastUsedAt").isNull()).isFalse();

        assertThat(api.delete("/api/v1/tokens/" + id, first).status()).isEqualTo(204);

        Response afterRevoke = api.get("/api/v1/me", secret);
        assertError(afterRevoke, 401, "token_revoked");
        assertThat(afterRevoke.text("message")).contains("'laptop'");
        assertThat(api.get("/api/v1/me", first).status()).isEqualTo(200);
        assertThat(audit("token.revoke", "tess")).isNotEmpty();
    }

    @Test
    void unknownAndExpiredTokensAreRefused() {
        assertError(api.get("/api/v1/me", Tokens.generate()), 401, "invalid_token");
        assertError(api.get("/api/v1/me", null), 401, "unauthenticated");

        long userId = users.findByUsername("admin").orElseThrow().id();
        String secret = Tokens.generate();
        tokens.insert(userId, "old", secret.substring(0, 12), Tokens.hash(secret), List.of("tunnels"),
                Instant.now().minusSeconds(60));
        Response expired = api.get("/api/v1/me", secret);
        assertError(expired, 401, "token_expired");
        assertThat(expired.text("message")).startsWith("token 'old' expired at ");
    }

    @Test
    void aTunnelsTokenCannotCallAdminEndpoints() {
        String user = signUp("tom");
        Response denied = api.get("/api/v1/users", user);
        assertError(denied, 403, "forbidden");
        assertThat(denied.text("message")).contains("'admin' scope");
        assertError(api.post("/api/v1/tokens", user, Map.of("name", "x", "scopes", List.of("admin"))),
                403, "scope_not_allowed");

        String adminTunnelsOnly = api.post("/api/v1/tokens", admin, Map.of("name", "tunnels only")).text("secret");
        assertError(api.get("/api/v1/users", adminTunnelsOnly), 403, "forbidden");
        assertThat(api.get("/api/v1/users", admin).status()).isEqualTo(200);
    }

    @Test
    void aUserDoesNotSeeAnotherUsersTunnels() {
        String ann = signUp("ann");
        String ben = signUp("ben");
        Response tunnel = api.post("/api/v1/tunnels", ann, http("web", "ann-web"));
        assertThat(tunnel.status()).isEqualTo(201);
        long id = tunnel.body().path("id").asLong();

        assertThat(names(api.get("/api/v1/tunnels", ann))).containsExactly("web");
        assertThat(names(api.get("/api/v1/tunnels", ben))).isEmpty();
        assertError(api.get("/api/v1/tunnels/" + id, ben), 404, "not_found");
        assertError(api.delete("/api/v1/tunnels/" + id, ben), 404, "not_found");
        assertThat(api.get("/api/v1/tunnels", admin).body().findValuesAsString("username")).contains("ann");

        assertThat(api.delete("/api/v1/tunnels/" + id, ann).status()).isEqualTo(204);
        assertThat(names(api.get("/api/v1/tunnels", ann))).isEmpty();
    }

    @Test
    void quotasAreEnforced() {
        String quinn = signUp("quinn");
        long id = users.findByUsername("quinn").orElseThrow().id();
        Response patched = api.patch("/api/v1/users/" + id, admin, Map.of("maxTunnels", 2, "maxPorts", 1));
        assertThat(patched.body().path("maxTunnels").asInt()).isEqualTo(2);

        assertThat(api.post("/api/v1/tunnels", quinn, tcp("ssh")).status()).isEqualTo(201);
        Response noPort = api.post("/api/v1/tunnels", quinn, tcp("db"));
        assertError(noPort, 422, "quota_exceeded");
        assertThat(noPort.text("message")).isEqualTo("quota of 1 port reached");
        assertThat(api.post("/api/v1/tunnels", quinn, http("web", null)).status()).isEqualTo(201);
        Response noTunnel = api.post("/api/v1/tunnels", quinn, http("api", null));
        assertError(noTunnel, 422, "quota_exceeded");
        assertThat(noTunnel.text("message")).isEqualTo("quota of 2 tunnels reached");
        assertError(api.post("/api/v1/tunnels", quinn, http("web", null)), 422, "quota_exceeded");
        assertThat(names(api.get("/api/v1/tunnels", quinn))).containsExactly("ssh", "web");
    }

    @Test
    void fiftyParallelReservationsOfOneSubdomainHaveOneWinner() throws Exception {
        List<String> racers = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            long id = users.insertIfAbsent("racer" + i, "{noop}unused", Role.USER, 10, 5).orElseThrow().id();
            racers.add(issuer.issue(id, false, "race", EnumSet.of(Scope.TUNNELS), null, "test").secret());
        }
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Response>> attempts = new ArrayList<>();
            for (String racer : racers) {
                attempts.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/reservations", racer, Map.of("kind", "subdomain", "value", "race"));
                }));
            }
            start.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> attempt : attempts) {
                responses.add(attempt.get(60, TimeUnit.SECONDS));
            }
            assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
            assertThat(responses).filteredOn(r -> r.status() == 409).hasSize(49)
                    .allSatisfy(r -> assertThat(r.body().path("message").asString())
                            .isEqualTo("subdomain 'race' is taken"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tunnelsAndReservationsShareTheAddresses() {
        String rita = signUp("rita");
        String sam = signUp("sam");
        long tunnel = api.post("/api/v1/tunnels", rita, http("blog", "rita-blog")).body().path("id").asLong();

        Response taken = api.post("/api/v1/reservations", sam, Map.of("kind", "subdomain", "value", "rita-blog"));
        assertError(taken, 409, "taken");
        assertThat(taken.text("message")).isEqualTo("subdomain 'rita-blog' is taken");
        assertError(api.post("/api/v1/tunnels", sam, http("blog", "rita-blog")), 409, "taken");

        // rita keeps the subdomain her tunnel uses; it outlives the tunnel
        Response kept = api.post("/api/v1/reservations", rita, Map.of("kind", "subdomain", "value", "rita-blog"));
        assertThat(kept.status()).isEqualTo(201);
        assertError(api.delete("/api/v1/reservations/" + kept.body().path("id").asLong(), rita), 409, "in_use");
        assertThat(api.delete("/api/v1/tunnels/" + tunnel, rita).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/reservations", rita).body().findValuesAsString("value")).contains("rita-blog");
        assertThat(api.post("/api/v1/tunnels", rita, http("blog2", "rita-blog")).status()).isEqualTo(201);

        Response outside = api.post("/api/v1/reservations", sam, Map.of("kind", "tcp_port", "value", "6022"));
        assertError(outside, 422, "port_out_of_range");
        assertThat(outside.text("message")).isEqualTo("port 6022 is outside the default range 20000-29999");
    }

    @Test
    void aDisabledAccountIsLockedOut() {
        String dora = signUp("dora");
        long id = users.findByUsername("dora").orElseThrow().id();
        assertThat(api.patch("/api/v1/users/" + id, admin, Map.of("disabled", true)).status()).isEqualTo(200);

        assertError(api.get("/api/v1/me", dora), 401, "account_disabled");
        assertError(api.post("/api/v1/auth/token", null, Map.of("username", "dora", "password", "dora's password!")),
                403, "account_disabled");
        assertThat(audit("user.update", "dora")).isNotEmpty();
    }

    @Test
    void errorsAreJsonSentences() {
        assertError(api.post("/api/v1/tunnels", admin, "{\"name\": "), 400, "malformed_request");
        assertError(api.post("/api/v1/tunnels", admin, Map.of("name", "Bad Name", "type", "http",
                "localTarget", "8080")), 400, "invalid_request");
        assertError(api.post("/api/v1/tunnels", admin, Map.of("name", "x", "type", "quic",
                "localTarget", "8080")), 400, "bad_request");
        assertError(api.get("/api/v1/nowhere", admin), 404, "not_found");
        assertError(api.get("/api/v1/tunnels/not-a-name", admin), 404, "not_found");
        assertError(api.post("/api/v1/users", admin, Map.of("username", "admin")), 409, "username_taken");
    }

    @Test
    void signInsAndAdminActionsAreAudited() {
        api.post("/api/v1/auth/token", null, Map.of("username", "admin", "password", "wrong password"));
        JsonNode failed = audit("sign-in.failed", "admin").get(0);
        assertThat(failed.path("ip").asString()).isEqualTo("127.0.0.1");
        assertThat(audit("sign-in", "admin")).isNotEmpty();
        assertThat(audit("token.create", "admin")).isNotEmpty();
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

    private List<JsonNode> audit(String action, String target) {
        return StreamSupport.stream(api.get("/api/v1/audit?action=" + action, admin).body().spliterator(), false)
                .filter(e -> target.equals(e.path("target").asString()))
                .toList();
    }

    private static Map<String, Object> http(String name, String subdomain) {
        return subdomain == null
                ? Map.of("name", name, "type", "http", "localTarget", "localhost:8080")
                : Map.of("name", name, "type", "http", "localTarget", "localhost:8080", "subdomain", subdomain);
    }

    private static Map<String, Object> tcp(String name) {
        return Map.of("name", name, "type", "tcp", "localTarget", "localhost:22");
    }

    private static List<String> names(Response tunnels) {
        return tunnels.body().findValuesAsString("name");
    }

    private static JsonNode find(JsonNode array, long id) {
        return StreamSupport.stream(array.spliterator(), false).filter(n -> n.path("id").asLong() == id)
                .findFirst().orElseThrow();
    }

    private static void assertError(Response response, int status, String error) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(error);
        assertThat(response.text("message")).as("%s", response).isNotBlank();
    }
}
