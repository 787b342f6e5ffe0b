package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.config.TunnelConfig;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.client.controlplane.SecretStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tunnel the control plane keeps in a load-balancing group registers with that group on the node. */
class ControlPlaneGroupTest {

    @TempDir
    Path dir;

    @Test
    void theStoredGroupAndKeyHashAreThePolicysGroup() {
        RemoteTunnel.Policies none = new RemoteTunnel.Policies(java.util.List.of(), java.util.List.of(), null, 0, 0);
        TunnelConfig c = ControlPlaneAgent.tunnelConfig(new RemoteTunnel(1L, "web-1", "http", "localhost:8080", "web",
                null, null, "offline", true, null, 0L, 0L, 0L, null, null, none, null, null, null, "web",
                "sha256:abc"), new SecretStore(dir));
        assertThat(c.policy().group()).isEqualTo("web");
        assertThat(c.policy().groupKey()).isEqualTo("sha256:abc");

        // from a control plane that sends no policies, the group still reaches the node
        TunnelConfig bare = ControlPlaneAgent.tunnelConfig(new RemoteTunnel(2L, "api", "tcp", "localhost:9000", null,
                null, 20001, "offline", true, null, 0L, 0L, 0L, null, null, null, null, null, null, "api",
                "sha256:def"), new SecretStore(dir));
        assertThat(bare.policy().group()).isEqualTo("api");
        assertThat(bare.policy().groupKey()).isEqualTo("sha256:def");
    }

    @Test
    void anUngroupedTunnelHasNoGroup() {
        TunnelConfig c = ControlPlaneAgent.tunnelConfig(new RemoteTunnel(1L, "db", "tcp", "localhost:5432", null,
                null, 20001, "offline", true, null, 0L, 0L, 0L, null, null, null), new SecretStore(dir));
        assertThat(c.policy().group()).isNull();
    }
}
