package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.config.HealthCheckConfig;
import dev.flux.client.config.TunnelConfig;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.client.controlplane.SecretStore;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A health check stored by the control plane becomes the agent's, as flux.toml's healthCheck would. */
class ControlPlaneHealthCheckTest {

    @TempDir
    Path dir;

    @Test
    void theStoredCheckIsTheAgents() {
        RemoteTunnel.HealthCheck stored = new RemoteTunnel.HealthCheck("http", "/healthz", 204, 5, 2, 4);
        TunnelConfig c = ControlPlaneAgent.tunnelConfig(new RemoteTunnel(1L, "web", "http", "localhost:8080", "web",
                null, null, "offline", true, null, 0L, 0L, 0L, null, null, null, null, null, stored),
                new SecretStore(dir));
        assertThat(c.healthCheck()).isEqualTo(new HealthCheckConfig("http", "/healthz", 204, Duration.ofSeconds(5),
                Duration.ofSeconds(2), 4));
    }

    @Test
    void noStoredCheckIsNoCheck() {
        TunnelConfig c = ControlPlaneAgent.tunnelConfig(new RemoteTunnel(1L, "db", "tcp", "localhost:5432", null,
                null, 20001, "offline", true, null, 0L, 0L, 0L, null, null, null), new SecretStore(dir));
        assertThat(c.healthCheck()).isNull();
    }
}
