package dev.flux.controlplane.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.ApiClient.Response;
import dev.flux.controlplane.testing.TestPostgres;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Tunnel policies over the REST API and in the agent configuration, on a real PostgreSQL database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + TunnelPoliciesApiTest.FIRST_PASSWORD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TunnelPoliciesApiTest {

    static final String FIRST_PASSWORD = "first-start-password";
    private static final String DATABASE = TestPostgres.newDatabase("policies");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> DATABASE);
        registry.add("spring.datasource.username", () -> TestPostgres.USER);
    }

    @LocalServerPort
    int port;

    private ApiClient api;
    private String admin;

    @BeforeAll
    void signIn() {
        api = new ApiClient(port);
        String password = "the admin's own password";
        admin = api.firstAdminToken(FIRST_PASSWORD, password, "policies");
    }

    @Test
    void policiesAreStoredShownAndHandedToTheAgent() {
        Response created = api.post("/api/v1/tunnels", admin, Map.of("name", "db", "type", "tcp",
                "localTarget", "localhost:5432", "allowIps", List.of("10.0.0.0/8", "192.168.1.7"),
                "denyIps", List.of("10.9.0.0/16"), "proxyProtocol", "V2", "bandwidthLimit", "2MB",
                "maxConnections", 20));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        JsonNode policies = created.body().path("policies");
        assertThat(policies.path("allowIps").toString()).isEqualTo("[\"10.0.0.0/8\",\"192.168.1.7\"]");
        assertThat(policies.path("denyIps").toString()).isEqualTo("[\"10.9.0.0/16\"]");
        assertThat(policies.path("proxyProtocol").asString()).isEqualTo("v2");
        assertThat(policies.path("bandwidthLimit").asLong()).isEqualTo(2 * 1024 * 1024);
        assertThat(policies.path("maxConnections").asInt()).isEqualTo(20);

        JsonNode config = api.get("/api/v1/agent/config", admin).body();
        JsonNode db = StreamSupport.stream(config.path("tunnels").spliterator(), false)
                .filter(t -> t.path("name").asString().equals("db")).findFirst().orElseThrow();
        assertThat(db.path("policies")).isEqualTo(policies);

        // a tunnel without policies shows the neutral ones
        JsonNode plain = api.post("/api/v1/tunnels", admin, Map.of("name", "web", "type", "http",
                "localTarget", "localhost:8080")).body().path("policies");
        assertThat(plain.path("allowIps").size()).isZero();
        assertThat(plain.path("bandwidthLimit").asLong()).isZero();
        assertThat(plain.path("proxyProtocol").isNull()).isTrue();
    }

    @Test
    void badPoliciesAreRefusedNamingTheField() {
        assertBadRequest(Map.of("denyIps", List.of("10.0.0.0/33")),
                "denyIps: '10.0.0.0/33': the prefix length must be 0-32 for an IPv4 address");
        assertBadRequest(Map.of("allowIps", List.of("example.com")), "allowIps: 'example.com' is not an IP address "
                + "or CIDR block (expected e.g. 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32)");
        assertBadRequest(Map.of("proxyProtocol", "v3"),
                "proxyProtocol: unknown PROXY protocol version 'v3' (expected: v1 or v2)");
        assertBadRequest(Map.of("bandwidthLimit", "fast"), "bandwidthLimit: 'fast' is not a bandwidth (expected: "
                + "a whole number of bytes per second with an optional unit B, KB, MB or GB, such as 512KB or 2MB)");
        assertBadRequest(Map.of("maxConnections", -1), "maxConnections: -1 (expected: 0 for no limit, or more)");
        Response udp = api.post("/api/v1/tunnels", admin, Map.of("name", "dns", "type", "udp",
                "localTarget", "localhost:53", "proxyProtocol", "v1"));
        assertThat(udp.status()).isEqualTo(400);
        assertThat(udp.text("message")).isEqualTo("proxyProtocol: 'v1' describes TCP connections only; udp tunnels "
                + "send v2 (a header on every datagram)");
        assertThat(api.get("/api/v1/tunnels", admin).body().findValuesAsString("name")).doesNotContain("bad", "dns");
        Response udpV2 = api.post("/api/v1/tunnels", admin, Map.of("name", "dns-v2", "type", "udp",
                "localTarget", "localhost:53", "proxyProtocol", "v2"));
        assertThat(udpV2.status()).as("%s", udpV2).isEqualTo(201);
        assertThat(udpV2.body().path("policies").path("proxyProtocol").asString()).isEqualTo("v2");
    }

    private void assertBadRequest(Map<String, Object> policy, String message) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", "bad", "type", "tcp",
                "localTarget", "localhost:22"));
        body.putAll(policy);
        Response r = api.post("/api/v1/tunnels", admin, body);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.text("error")).isEqualTo("bad_request");
        assertThat(r.text("message")).isEqualTo(message);
    }
}
