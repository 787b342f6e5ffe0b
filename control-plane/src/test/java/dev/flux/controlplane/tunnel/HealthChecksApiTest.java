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
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/** Health checks stored with tunnels and handed to the agent, on a real PostgreSQL database. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "flux.control-plane.admin.initial-password=" + HealthChecksApiTest.FIRST_PASSWORD)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthChecksApiTest {

    static final String FIRST_PASSWORD = "first-start-password";
    private static final String DATABASE = TestPostgres.newDatabase("health_checks");

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
        admin = api.firstAdminToken(FIRST_PASSWORD, password, "health");
    }

    @Test
    void aHealthCheckIsStoredWithItsDefaultsAndHandedToTheAgent() {
        Response web = api.post("/api/v1/tunnels", admin, Map.of("name", "web", "type", "http",
                "localTarget", "localhost:8080", "healthCheck", Map.of("type", "http", "path", "/healthz",
                        "intervalSeconds", 5)));
        assertThat(web.status()).as("%s", web).isEqualTo(201);
        assertThat(web.body().path("healthCheck").toString()).isEqualTo("{\"type\":\"http\",\"path\":\"/healthz\","
                + "\"expectStatus\":200,\"intervalSeconds\":5,\"timeoutSeconds\":3,\"failureThreshold\":3}");

        Response db = api.post("/api/v1/tunnels", admin, Map.of("name", "db", "type", "tcp",
                "localTarget", "localhost:5432", "healthCheck", Map.of()));
        assertThat(db.status()).as("%s", db).isEqualTo(201);
        JsonNode tcp = db.body().path("healthCheck");
        assertThat(tcp.path("type").asString()).isEqualTo("tcp");
        assertThat(tcp.path("path").isNull()).isTrue();
        assertThat(tcp.path("intervalSeconds").asInt()).isEqualTo(10);

        JsonNode config = api.get("/api/v1/agent/config", admin).body();
        JsonNode served = StreamSupport.stream(config.path("tunnels").spliterator(), false)
                .filter(t -> t.path("name").asString().equals("web")).findFirst().orElseThrow();
        assertThat(served.path("healthCheck")).isEqualTo(web.body().path("healthCheck"));
        Response plain = api.post("/api/v1/tunnels", admin, Map.of("name", "plain", "type", "http",
                "localTarget", "localhost:8081"));
        assertThat(plain.body().path("healthCheck").isNull()).isTrue();
    }

    @Test
    void badHealthChecksAreRefusedNamingTheField() {
        assertBad(Map.of("type", "icmp"), "healthCheck.type: 'icmp' (expected: tcp or http)");
        assertBad(Map.of("type", "http", "path", "healthz"), "healthCheck.path: 'healthz' (expected: a path such as "
                + "/healthz)");
        assertBad(Map.of("type", "tcp", "path", "/"), "healthCheck.path: only http health checks have it (this one "
                + "is tcp)");
        assertBad(Map.of("intervalSeconds", 0), "healthCheck.intervalSeconds: 0 (expected: 1..3600)");
        assertBad(Map.of("intervalSeconds", 5, "timeoutSeconds", 10), "healthCheck.timeoutSeconds: 10 is longer than "
                + "intervalSeconds (5); a check must end before the next one starts");
        assertBad(Map.of("type", "http", "expectStatus", 700), "healthCheck.expectStatus: 700 (expected: 100..599)");
        assertThat(api.get("/api/v1/tunnels", admin).body().findValuesAsString("name")).doesNotContain("bad");
    }

    private void assertBad(Map<String, Object> healthCheck, String message) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "bad", "type", "http", "localTarget",
                "localhost:8080", "healthCheck", healthCheck));
        Response r = api.post("/api/v1/tunnels", admin, body);
        assertThat(r.status()).as("%s", r).isEqualTo(400);
        assertThat(r.text("message")).isEqualTo(message);
    }
}
