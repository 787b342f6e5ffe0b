package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.client.config.TunnelConfig;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.client.controlplane.SecretStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secret tunnel from the control plane is served with the secret saved on this machine, never one it sent. */
class ControlPlaneSecretTunnelTest {

    @TempDir
    Path dir;

    @Test
    void theSavedSecretAndTheStoredVisitorsMakeTheTunnel() {
        SecretStore secrets = new SecretStore(dir);
        secrets.save("db", "the-owners-secret");

        TunnelConfig c = ControlPlaneAgent.tunnelConfig(remote("db", "stcp", List.of("bob")), secrets);

        assertThat(c.type()).isEqualTo("stcp");
        assertThat(c.localIp()).isEqualTo("localhost");
        assertThat(c.localPort()).isEqualTo(5432);
        assertThat(c.secretKey()).isEqualTo("the-owners-secret");
        assertThat(c.allowUsers()).containsExactly("bob");
        assertThat(c.remotePort()).isZero();
    }

    @Test
    void sudpAndXtcpTakeTheirSecretsToo() {
        SecretStore secrets = new SecretStore(dir);
        secrets.save("dns", "one");
        secrets.save("desk", "two");
        assertThat(ControlPlaneAgent.tunnelConfig(remote("dns", "sudp", null), secrets).secretKey()).isEqualTo("one");
        TunnelConfig xtcp = ControlPlaneAgent.tunnelConfig(remote("desk", "xtcp", List.of()), secrets);
        assertThat(xtcp.type()).isEqualTo("xtcp");
        assertThat(xtcp.secretKey()).isEqualTo("two");
    }

    @Test
    void aMissingSecretNamesTheTunnelAndTheCommandThatFixesIt() {
        SecretStore secrets = new SecretStore(dir);
        assertThatThrownBy(() -> ControlPlaneAgent.tunnelConfig(remote("db", "stcp", List.of()), secrets))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no secret for stcp tunnel 'db' on this machine (" + secrets.file() + "); save the one "
                        + "its visitors use with `fluxctl tunnel secret db --secret SECRET`, or make a new one with "
                        + "`fluxctl tunnel secret db --new`");
    }

    private static RemoteTunnel remote(String name, String type, List<String> allowUsers) {
        return new RemoteTunnel(1L, name, type, "localhost:5432", null, null, null, "offline", true, null, 0L, 0L,
                0L, null, null, null, allowUsers, "fluxctl visit alice/" + name + " --secret SECRET");
    }
}
