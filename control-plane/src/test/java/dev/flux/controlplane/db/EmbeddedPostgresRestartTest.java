package dev.flux.controlplane.db;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.controlplane.ControlPlaneApplication;
import dev.flux.controlplane.testing.ApiClient;
import dev.flux.controlplane.testing.ApiClient.Response;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded default as a user meets it: no database configured, so the control plane starts PostgreSQL in its
 * data directory, creates the admin with a one-time password it logs once; stopped and started again, it finds
 * everything where it was.
 */
@ExtendWith(OutputCaptureExtension.class)
class EmbeddedPostgresRestartTest {

    private static final Pattern ONE_TIME_PASSWORD = Pattern.compile("one-time password\\s+(\\S+)\\s");

    @TempDir
    Path dir;

    @Test
    void firstStartCreatesTheAdminAndTheDataSurvivesARestart(CapturedOutput output) {
        Path dataDir = dir.resolve("postgres");
        String secondPassword = "a password of my own";
        try (ConfigurableApplicationContext first = start(dataDir)) {
            assertThat(first.getBean(EmbeddedPostgresServer.class).dataDir()).isEqualTo(dataDir);
            Matcher logged = ONE_TIME_PASSWORD.matcher(output.getOut());
            assertThat(logged.find()).as("the one-time password in the log").isTrue();
            String oneTime = logged.group(1);

            ApiClient api = new ApiClient(port(first));
            Response refused = api.post("/api/v1/auth/token", null, Map.of("username", "admin", "password", oneTime));
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.text("error")).isEqualTo("password_change_required");
            assertThat(api.post("/api/v1/auth/password", null, Map.of("username", "admin",
                    "currentPassword", oneTime, "newPassword", secondPassword)).status()).isEqualTo(204);
            String token = api.post("/api/v1/auth/token", null,
                    Map.of("username", "admin", "password", secondPassword)).text("secret");
            assertThat(api.post("/api/v1/tunnels", token, Map.of("name", "web", "type", "http",
                    "localTarget", "localhost:8080", "subdomain", "kept")).status()).isEqualTo(201);
        }
        assertThat(dataDir.resolve("postmaster.pid")).as("PostgreSQL stopped with the application").doesNotExist();

        try (ConfigurableApplicationContext second = start(dataDir)) {
            ApiClient api = new ApiClient(port(second));
            Response signedIn = api.post("/api/v1/auth/token", null,
                    Map.of("username", "admin", "password", secondPassword));
            assertThat(signedIn.status()).as("%s", signedIn).isEqualTo(201);
            Response tunnels = api.get("/api/v1/tunnels", signedIn.text("secret"));
            assertThat(tunnels.body().findValuesAsString("subdomain")).containsExactly("kept");
        }
        assertThat(ONE_TIME_PASSWORD.matcher(output.getOut()).results().count())
                .as("the one-time password is logged on the first start only").isEqualTo(1);
    }

    private static ConfigurableApplicationContext start(Path dataDir) {
        return new SpringApplicationBuilder(ControlPlaneApplication.class).run(
                "--server.port=0",
                "--server.address=127.0.0.1",
                "--flux.control-plane.data-dir=" + dataDir,
                "--flux.control-plane.admin.initial-password=",
                "--spring.datasource.url=");
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }
}
