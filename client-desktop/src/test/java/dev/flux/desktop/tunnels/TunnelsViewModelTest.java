package dev.flux.desktop.tunnels;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.ControlPlaneAgent;
import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import dev.flux.client.controlplane.ControlPlaneException;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.desktop.DesktopContext;
import dev.flux.desktop.Messages;
import dev.flux.desktop.TestContexts;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TunnelsViewModelTest {

    @TempDir
    Path dir;

    private DesktopContext context;
    private TunnelsViewModel model;

    @BeforeEach
    void create() {
        context = TestContexts.create(dir);
        model = new TunnelsViewModel(context, new Messages(Locale.ENGLISH));
    }

    @AfterEach
    void close() {
        model.close();
        context.tasks().close();
    }

    @Test
    void theControlPlanesListIsJoinedWithTheAgentsStateAndRowsAreKept() {
        model.select("web"); // before it is listed: selected once it appears
        model.apply(new TunnelsViewModel.Snapshot(List.of(remote("web", true, null), remote("ssh", false, null)),
                null, List.of(served("web", TunnelState.READY, "http://web.tunnel.test:8080", 2, 100, 50)), 0,
                null));
        assertThat(model.tunnels()).extracting(TunnelRow::name).containsExactly("web", "ssh");
        TunnelRow web = model.tunnels().get(0);
        assertThat(model.selectedProperty().get()).isSameAs(web);
        assertThat(web.stateProperty().get()).isEqualTo(new DisplayedState(DisplayedState.Kind.ONLINE, "online"));
        assertThat(web.publicUrlProperty().get()).isEqualTo("http://web.tunnel.test:8080");
        assertThat(web.connectionsProperty().get()).isEqualTo(2);
        assertThat(model.tunnels().get(1).stateProperty().get().kind()).isEqualTo(DisplayedState.Kind.OFF);

        // The node went away: reconnecting, with the control plane's URL while the node has not said one.
        model.apply(new TunnelsViewModel.Snapshot(List.of(remote("web", true, "http://web.cp-said")), null,
                List.of(served("web", TunnelState.RECONNECTING, null, 0, 100, 50)),
                System.currentTimeMillis() + 4_000, null));
        assertThat(model.tunnels()).containsExactly(web);
        assertThat(model.selectedProperty().get()).isSameAs(web);
        assertThat(web.stateProperty().get().text()).matches("reconnecting in [34] s");
        assertThat(web.publicUrlProperty().get()).isEqualTo("http://web.cp-said");
    }

    @Test
    void anUnreachableControlPlaneKeepsTheLastListAndSaysSo() {
        model.apply(new TunnelsViewModel.Snapshot(List.of(remote("web", true, null)), null, List.of(), 0, null));
        model.apply(new TunnelsViewModel.Snapshot(null, new ControlPlaneException(
                ControlPlaneException.Kind.UNREACHABLE, 0, null,
                "cannot reach the control plane at http://cp:8443: connection refused"), List.of(), 0,
                "cannot reach the control plane"));
        assertThat(model.tunnels()).extracting(TunnelRow::name).containsExactly("web");
        assertThat(model.errorProperty().get()).isEqualTo("The control plane cannot be reached: cannot reach the "
                + "control plane at http://cp:8443: connection refused. Check the URL and that it is running.");
        assertThat(model.noticeProperty().get()).isEqualTo("The control plane cannot be reached right now; your "
                + "tunnels keep running.");
    }

    @Test
    void aFatalAgentErrorShowsOnEveryTunnel() {
        model.agentFailed(new dev.flux.client.AgentException(dev.flux.client.AgentException.Kind.AUTH_REJECTED,
                "the control plane rejected the token: the token was revoked"));
        model.apply(new TunnelsViewModel.Snapshot(List.of(remote("web", true, null)), null, List.of(), 0, null));
        assertThat(model.tunnels().get(0).stateProperty().get().text()).isEqualTo("error: The control plane "
                + "rejected the token (the control plane rejected the token: the token was revoked). Sign in again.");
    }

    private static RemoteTunnel remote(String name, boolean enabled, String url) {
        return new RemoteTunnel(1L, name, "http", "localhost:8080", name, null, null, null, enabled, url, null,
                null, null, null, null, null);
    }

    private static ControlPlaneAgent.ServedTunnel served(String name, TunnelState state, String url, long conns,
                                                         long in, long out) {
        return new ControlPlaneAgent.ServedTunnel(new TunnelStatus(name, "http", "localhost:8080", state,
                url == null ? List.of() : List.of(url), null, conns, in, out), url);
    }
}
