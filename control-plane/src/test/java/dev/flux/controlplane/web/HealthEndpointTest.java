package dev.flux.controlplane.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The probes that container health checks and Kubernetes use (docs/deploy/), over real HTTP and without any
 * credential: they must answer 200 while the control plane and its database are up, and nothing else of the
 * actuator is open.
 */
class HealthEndpointTest extends WebTestSupport {

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @Test
    void healthLivenessAndReadinessAnswerWithoutASignIn() throws Exception {
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness",
            "/actuator/health/readiness"}) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(200);
            assertThat(r.body()).as(path).contains("\"status\":\"UP\"").doesNotContain("components");
        }
    }

    @Test
    void theRestOfTheActuatorIsNotExposed() throws Exception {
        for (String path : new String[] {"/actuator/env", "/actuator/beans", "/actuator/health/db"}) {
            assertThat(get(path).statusCode()).as(path).isNotEqualTo(200);
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
