package dev.flux.controlplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.ApiClient.Response;
import dev.flux.controlplane.testing.TestPostgres;
import dev.flux.protocol.auth.Tokens;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Load-balancing groups stored by the control plane, on a real PostgreSQL database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + TunnelGroupsApiTest.FIRST_PASSWORD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelGroupsApiTest {

    static final String FIRST_PASSWORD = "first-start-password";
    private static final String DATABASE = TestPostgres.newDatabase("tunnel_groups");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
    }

    @LocalServerPort
    int port;

    private ApiClient api;
    private String admin;
    private String node;

    @BeforeAll
    void signIn() {
        api = new ApiClient(port);
        admin = api.firstAdminToken(FIRST_PASSWORD, "the admin's own password", "groups");
        Response created = api.post("/api/v1/nodes", admin, Map.of("name", "edge", "publicHost", "127.0.0.1",
                "portMin", 30000, "portMax", 30099));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        node = created.text("credential");
        assertThat(api.post("/node-api/v1/register", node, Map.of("tunnelHost", "127.0.0.1", "tunnelPort", 7000,
                "fingerprint", "SHA256:edge", "version", "0.1.0-test")).status()).isEqualTo(200);
    }

    @Test
    void membersOfTwoUsersShareTheGroupsAddressAndTheKeyIsNeverAnswered() {
        String alice = signUp("alice");
        String bob = signUp("bob");
        Response founder = create(alice, "web-a", "http", Map.of("subdomain", "shop", "group", "shop",
                "groupKey", "s3cret-key"));
        assertThat(founder.status()).as("%s", founder).isEqualTo(201);
        assertThat(founder.text("group")).isEqualTo("shop");
        assertThat(founder.body().has("groupKey")).isFalse();
        assertThat(founder.body().has("groupKeyHash")).isFalse();

        Response member = create(bob, "web-b", "http", Map.of("group", "shop", "groupKey", "s3cret-key"));
        assertThat(member.status()).as("%s", member).isEqualTo(201);
        assertThat(member.text("subdomain")).isEqualTo("shop");
        assertThat(member.text("group")).isEqualTo("shop");
        assertThat(api.get("/api/v1/tunnels/web-b", bob).text("group")).isEqualTo("shop");
        assertThat(api.get("/api/v1/tunnels", bob).body().toString()).doesNotContain("s3cret-key")
                .doesNotContain("sha256:");

        // each member's agent gets the group and the key's hash (to hand the node), never the key
        JsonNode a = tunnel(api.get("/api/v1/agent/config", alice).body(), "web-a");
        JsonNode b = tunnel(api.get("/api/v1/agent/config", bob).body(), "web-b");
        assertThat(a.path("group").asString()).isEqualTo("shop");
        assertThat(a.path("groupKeyHash").asString()).isEqualTo(Tokens.hash("s3cret-key"))
                .isEqualTo(b.path("groupKeyHash").asString());
        assertThat(api.get("/api/v1/agent/config", bob).body().toString()).doesNotContain("s3cret-key");

        // the shared address is claimed once: by the founder
        assertThat(api.get("/api/v1/reservations", bob).body().size()).isZero();
        assertThat(api.get("/api/v1/reservations", alice).body().toString()).contains("\"shop\"");
    }

    @Test
    void tcpMembersShareTheFoundersPortAndOnlyTheFounderPaysForIt() {
        String carl = signUp("carl");
        Response founder = create(carl, "api-1", "tcp", Map.of("node", "edge", "group", "api", "groupKey", "k1"));
        assertThat(founder.status()).as("%s", founder).isEqualTo(201);
        int port = founder.body().path("remotePort").asInt();
        assertThat(port).isBetween(30000, 30099);
        Response member = create(carl, "api-2", "tcp", Map.of("group", "api", "groupKey", "k1"));
        assertThat(member.status()).as("%s", member).isEqualTo(201);
        assertThat(member.body().path("remotePort").asInt()).isEqualTo(port);
        assertThat(member.text("node")).isEqualTo("edge");
        Response named = create(carl, "api-3", "tcp", Map.of("remotePort", port, "node", "edge", "group", "api",
                "groupKey", "k1"));
        assertThat(named.status()).as("%s", named).isEqualTo(201);
        assertThat(api.get("/api/v1/reservations", carl).body().size()).isEqualTo(1);
    }

    @Test
    void wrongKeysMismatchedMembersAndBadRequestsAreRefusedClearly() {
        String dora = signUp("dora");
        String eve = signUp("eve");
        assertThat(create(dora, "site", "http", Map.of("subdomain", "blog", "group", "blog", "groupKey", "right"))
                .status()).isEqualTo(201);

        Response wrong = create(eve, "steal", "http", Map.of("group", "blog", "groupKey", "wrong"));
        assertError(wrong, 409, "group_key_mismatch", "the key does not match group 'blog'; ask its founder for the "
                + "group's key, or choose another group name");
        assertError(create(eve, "steal", "tcp", Map.of("group", "blog", "groupKey", "right")), 409,
                "group_mismatch", "group 'blog' balances http tunnels; tunnel 'steal' is tcp; make it http or "
                        + "choose another group");
        assertError(create(eve, "steal", "http", Map.of("subdomain", "other", "group", "blog", "groupKey",
                "right")), 409, "group_mismatch", "group 'blog' serves subdomain 'blog', not subdomain 'other'; "
                + "omit it to share the group's address, or choose another group");
        assertError(create(eve, "steal", "http", Map.of("node", "edge", "group", "blog", "groupKey", "right")),
                409, "group_mismatch", "group 'blog' is served by any node, not node 'edge'; omit node to follow "
                        + "the group");
        // outside the group, the address is taken as before
        assertError(create(eve, "steal", "http", Map.of("subdomain", "blog")), 409, "taken",
                "subdomain 'blog' is taken");
        assertError(create(eve, "steal", "http", Map.of("subdomain", "blog", "group", "blog2",
                "groupKey", "x")), 409, "taken", "subdomain 'blog' is taken");

        assertError(create(eve, "steal", "https", Map.of("group", "sec", "groupKey", "x")), 400, "bad_request",
                "group: load-balancing groups are for tcp and http tunnels; tunnel 'steal' is https; omit group");
        assertError(create(eve, "steal", "http", Map.of("group", "blog")), 400, "bad_request",
                "groupKey: group 'blog' needs its key: the one that founds it, or that its founder shares to let "
                        + "others join");
        assertError(create(eve, "steal", "http", Map.of("groupKey", "x")), 400, "bad_request",
                "groupKey: set only with group (the load-balancing group to found or join)");
        assertError(create(eve, "steal", "http", Map.of("group", "Bad Name", "groupKey", "x")), 400,
                "bad_request", "group: 'Bad Name' is not a group name (expected: 1-64 lower-case letters, digits, "
                        + "'_' or '-', starting with a letter or digit)");
        assertThat(api.get("/api/v1/tunnels", eve).body().size()).isZero();
    }

    @Test
    void parallelJoinsAllSucceedOnOneAddress() throws Exception {
        String fay = signUp("fay");
        String gus = signUp("gus");
        assertThat(create(fay, "lb-0", "http", Map.of("group", "lb", "groupKey", "key")).status()).isEqualTo(201);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> joins = new ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                String name = "lb-" + i;
                joins.add(pool.submit(() -> create(gus, name, "http", Map.of("group", "lb", "groupKey", "key"))));
            }
            List<String> subdomains = new ArrayList<>();
            for (Future<Response> join : joins) {
                Response r = join.get();
                assertThat(r.status()).as("%s", r).isEqualTo(201);
                subdomains.add(r.text("subdomain"));
            }
            assertThat(subdomains).containsOnly(api.get("/api/v1/tunnels/lb-0", fay).text("subdomain"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void parallelFoundersOfDifferentGroupsOnOneSubdomainLeaveOneWinner() throws Exception {
        String hal = signUp("hal");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> tries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String n = "race-" + i;
                // half grouped (each its own group), half alone: exactly one may hold the subdomain
                Map<String, Object> fields = i % 2 == 0 ? Map.of("subdomain", "race", "group", n, "groupKey", "k")
                        : Map.of("subdomain", "race");
                tries.add(pool.submit(() -> create(hal, n, "http", fields)));
            }
            int created = 0;
            for (Future<Response> t : tries) {
                Response r = t.get();
                if (r.status() == 201) {
                    created++;
                } else {
                    assertError(r, 409, "taken", "subdomain 'race' is taken");
                }
            }
            assertThat(created).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theGroupKeepsItsAddressWhileAMemberRemainsAndGoesWithTheLast() {
        String ida = signUp("ida");
        String jon = signUp("jon");
        String kim = signUp("kim");
        assertThat(create(ida, "app", "http", Map.of("subdomain", "app", "group", "app", "groupKey", "k")).status())
                .isEqualTo(201);
        assertThat(create(jon, "app", "http", Map.of("group", "app", "groupKey", "k")).status()).isEqualTo(201);

        assertThat(api.delete("/api/v1/tunnels/app", ida).status()).isEqualTo(204);
        assertError(create(kim, "mine", "http", Map.of("subdomain", "app")), 409, "taken", "subdomain 'app' is taken");
        Response reserve = api.post("/api/v1/reservations", kim, Map.of("kind", "subdomain", "value", "app"));
        assertError(reserve, 409, "taken", "subdomain 'app' is taken");
        // the claim passed to the remaining member's owner
        assertThat(api.get("/api/v1/reservations", jon).body().toString()).contains("\"app\"");
        Response again = create(ida, "app", "http", Map.of("group", "app", "groupKey", "k"));
        assertThat(again.status()).as("%s", again).isEqualTo(201);
        assertThat(again.text("subdomain")).isEqualTo("app");

        assertThat(api.delete("/api/v1/tunnels/app", jon).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/tunnels/app", ida).status()).isEqualTo(204);
        // no member left: the group and its address are free, for a new key too
        Response anew = create(kim, "mine", "http", Map.of("subdomain", "app", "group", "app", "groupKey", "new"));
        assertThat(anew.status()).as("%s", anew).isEqualTo(201);
        assertThat(api.delete("/api/v1/tunnels/mine", kim).status()).isEqualTo(204);
        assertThat(create(kim, "mine", "http", Map.of("subdomain", "app")).status()).isEqualTo(201);
    }

    @Test
    void aReservationAGroupWasFoundedOnIsKeptWhileOtherUsersMembersServeIt() {
        String mia = signUp("mia");
        String ned = signUp("ned");
        Response reserved = api.post("/api/v1/reservations", mia, Map.of("kind", "subdomain", "value", "mall"));
        assertThat(reserved.status()).as("%s", reserved).isEqualTo(201);
        assertThat(create(mia, "mall", "http", Map.of("subdomain", "mall", "group", "mall", "groupKey", "k"))
                .status()).isEqualTo(201);
        assertThat(create(ned, "mall", "http", Map.of("group", "mall", "groupKey", "k")).status()).isEqualTo(201);
        String release = "/api/v1/reservations/" + reserved.body().path("id").asLong();
        assertError(api.delete(release, mia), 409, "in_use", "subdomain 'mall' is used by tunnel 'mall'; remove the "
                + "tunnel first");

        assertThat(api.delete("/api/v1/tunnels/mall", mia).status()).isEqualTo(204);
        assertError(api.delete(release, mia), 409, "in_use", "subdomain 'mall' is used by group 'mall'; remove its "
                + "members first");
        assertThat(api.delete("/api/v1/tunnels/mall", ned).status()).isEqualTo(204);
        assertThat(api.delete(release, mia).status()).isEqualTo(204);
    }

    @Test
    void nodesGetTheGroupAndCreateGroupedTunnelsForAgents() {
        String lou = signUp("lou");
        JsonNode who = api.post("/node-api/v1/agents/verify", node, Map.of("token", lou)).body();
        Map<String, Object> body = new HashMap<>(Map.of("userId", who.path("userId").asLong(),
                "tokenId", who.path("tokenId").asLong(), "name", "svc", "type", "tcp",
                "localTarget", "localhost:9000", "group", "svc", "groupKey", "node-key"));
        Response first = api.post("/node-api/v1/tunnels/authorize", node, body);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.text("group")).isEqualTo("svc");
        assertThat(first.text("groupKeyHash")).isEqualTo(Tokens.hash("node-key"));
        assertThat(api.get("/api/v1/tunnels/svc", lou).text("group")).isEqualTo("svc");

        body.put("group", "other");
        assertError(api.post("/node-api/v1/tunnels/authorize", node, body), 409, "tunnel_mismatch",
                "tunnel 'svc' is in group 'svc', not in group 'other'; change your agent's settings, or delete the "
                        + "tunnel with `fluxctl tunnel rm svc`");
        body.put("name", "svc2");
        body.put("group", "svc");
        body.put("groupKey", "bad");
        assertError(api.post("/node-api/v1/tunnels/authorize", node, body), 409, "group_key_mismatch",
                "the key does not match group 'svc'; ask its founder for the group's key, or choose another group "
                        + "name");
    }

    private Response create(String token, String name, String type, Map<String, Object> fields) {
        Map<String, Object> body = new HashMap<>(Map.of("name", name, "type", type, "localTarget", "localhost:8080"));
        body.putAll(fields);
        return api.post("/api/v1/tunnels", token, body);
    }

    private static JsonNode tunnel(JsonNode config, String name) {
        return StreamSupport.stream(config.path("tunnels").spliterator(), false)
                .filter(t -> t.path("name").asString().equals(name)).findFirst().orElseThrow();
    }

    private static void assertError(Response response, int status, String error, String message) {
        assertThat(response.status()).as("%s", response).isEqualTo(status);
        assertThat(response.text("error")).as("%s", response).isEqualTo(error);
        assertThat(response.text("message")).as("%s", response).isEqualTo(message);
    }

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
