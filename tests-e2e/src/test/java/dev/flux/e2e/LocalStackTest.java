package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.ManagedProcess;
import dev.flux.e2e.framework.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./flux-local}, the README's one command: it starts a control plane and a node, prints where to sign in and
 * a token that works, stops both on a signal, and keeps its data for the next run.
 */
class LocalStackTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    private static final Duration START_LIMIT = Duration.ofSeconds(180);
    /** The control plane stops its PostgreSQL cleanly; on a busy machine that takes seconds. */
    private static final Duration STOP_LIMIT = Duration.ofSeconds(30);
    private static final Pattern TOKEN_LINE = Pattern.compile("Token\\s+(flx_\\S+)");

    @Test
    void startsPrintsAWorkingTokenStopsCleanlyAndKeepsItsData(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Map<String, String> env = Map.of(
                "FLUX_LOCAL_DIR", state.toString(),
                "FLUX_CONTROL_PLANE_PORT", Integer.toString(Ports.free()),
                "FLUX_NODE_PORT", Integer.toString(Ports.free()),
                "FLUX_NODE_HTTP_PORT", Integer.toString(Ports.free()));
        int controlPlanePort = Integer.parseInt(env.get("FLUX_CONTROL_PLANE_PORT"));

        ManagedProcess first = flux.startScript("flux-local", dir, env);
        String token = first.awaitLine(TOKEN_LINE, START_LIMIT).group(1);
        assertThat(httpStatus(controlPlanePort, "/api/v1/me", token)).as("GET /api/v1/me with the printed token")
                .isEqualTo(200);
        assertThat(Files.getPosixFilePermissions(state.resolve("admin-token")))
                .as("permissions of the token file").isEqualTo(Set.of(PosixFilePermission.OWNER_READ,
                        PosixFilePermission.OWNER_WRITE));

        assertThat(first.stopAndAwaitExit(STOP_LIMIT)).as("exit code of flux-local after SIGTERM (128 + SIGINT, as Ctrl-C)")
                .isEqualTo(130);
        assertThat(Ports.isListening(controlPlanePort)).as("control plane port after the stop").isFalse();
        assertThat(state.resolve("control-plane.ready")).as("ready marker after the stop").doesNotExist();

        ManagedProcess second = flux.startScript("flux-local", dir, env);
        String again = second.awaitLine(TOKEN_LINE, START_LIMIT).group(1);
        assertThat(again).as("the token of the second run (the data was kept)").isEqualTo(token);
        assertThat(httpStatus(controlPlanePort, "/api/v1/me", again)).isEqualTo(200);
    }

    private static int httpStatus(int port, String path, String token) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build();
        return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
