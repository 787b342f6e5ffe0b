package dev.flux.client.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.client.testing.ContractControlPlane;
import dev.flux.client.testing.ContractControlPlane.DeviceOutcome;
import dev.flux.client.testing.ContractControlPlane.Token;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST client against a real HTTP server on 127.0.0.1 that answers as the control plane's contract says. */
class ControlPlaneClientTest {

    ContractControlPlane cp;
    Token alice;
    ControlPlaneClient client;

    @BeforeEach
    void start() throws Exception {
        cp = ContractControlPlane.start();
        alice = cp.addUser("alice", "laptop");
        client = new ControlPlaneClient(cp.uri(), alice.secret());
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    @Test
    void meAndTheTokenName() {
        Me me = client.me();

        assertThat(me.username()).isEqualTo("alice");
        assertThat(me.tokenId()).isEqualTo(alice.id());
        assertThat(me.scopes()).containsExactly("tunnels");
        assertThat(client.tokenName(me.tokenId())).isEqualTo("laptop");
        assertThat(cp.requests()).contains("GET /api/v1/me");
    }

    @Test
    void aRejectedTokenIsUnauthenticatedWithTheServersMessage() {
        ControlPlaneClient stranger = new ControlPlaneClient(cp.uri(), "flx_not-a-known-token");

        assertThatThrownBy(stranger::me).isInstanceOfSatisfying(ControlPlaneException.class, e -> {
            assertThat(e.kind()).isEqualTo(ControlPlaneException.Kind.UNAUTHENTICATED);
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.code()).isEqualTo("invalid_token");
            assertThat(e.getMessage()).isEqualTo("the token is unknown, revoked or expired");
        });
    }

    @Test
    void anUnreachableServerSaysWhereAndWhy() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ControlPlaneClient nowhere = new ControlPlaneClient(URI.create("http://127.0.0.1:" + closed), alice.secret());

        assertThatThrownBy(nowhere::me).isInstanceOfSatisfying(ControlPlaneException.class, e -> {
            assertThat(e.kind()).isEqualTo(ControlPlaneException.Kind.UNREACHABLE);
            assertThat(e.getMessage()).isEqualTo("cannot reach the control plane at http://127.0.0.1:" + closed
                    + ": connection refused");
        });
    }

    @Test
    void refusalsCarryTheServersSentence() {
        client.createTunnel(new NewTunnelRequest("web", "http", "localhost:8080", "wx", null, null, null));
        Token bob = cp.addUser("bob", "ci");
        ControlPlaneClient bobs = new ControlPlaneClient(cp.uri(), bob.secret());

        assertThatThrownBy(() -> bobs.createTunnel(new NewTunnelRequest("site", "http", "localhost:80", "wx", null,
                null, null))).isInstanceOfSatisfying(ControlPlaneException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ControlPlaneException.Kind.REFUSED);
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.code()).isEqualTo("subdomain_taken");
                    assertThat(e.getMessage()).isEqualTo("subdomain 'wx' is taken");
                });

        cp.setMaxTunnels(1);
        assertThatThrownBy(() -> client.createTunnel(new NewTunnelRequest("ssh", "tcp", "localhost:22", null, null,
                null, null))).hasMessage("quota of 1 tunnels reached");
    }

    @Test
    void tunnelsAreCreatedListedDisabledAndDeleted() {
        RemoteTunnel created = client.createTunnel(new NewTunnelRequest("web", "http", "localhost:8080", "wx", null,
                null, "u:p"));
        assertThat(created.publicUrl()).isEqualTo("http://wx.tunnel.test");
        assertThat(created.basicAuth()).as("never in listings").isNull();

        assertThat(client.setTunnelEnabled("web", false).isEnabled()).isFalse();
        assertThat(client.tunnels()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("web");
            assertThat(t.localTarget()).isEqualTo("localhost:8080");
            assertThat(t.isEnabled()).isFalse();
        });
        client.deleteTunnel("web");
        assertThat(client.tunnels()).isEmpty();
        assertThatThrownBy(() -> client.deleteTunnel("web")).hasMessage("you have no tunnel 'web'");
    }

    @Test
    void theAgentConfigurationLongPollAnswersOnAChange() throws Exception {
        cp.setNode("eu1", "127.0.0.1", 7000, "SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", true);
        AgentConfiguration first = client.agentConfig(null, 0);
        assertThat(first.username()).isEqualTo("alice");
        assertThat(first.onlineNode().tunnelPort()).isEqualTo(7000);
        assertThat(first.tunnels()).isEmpty();

        long started = System.nanoTime();
        AgentConfiguration unchanged = client.agentConfig(first.version(), 1);
        assertThat(unchanged.version()).isEqualTo(first.version());
        assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(900));

        CompletableFuture<AgentConfiguration> waiting =
                CompletableFuture.supplyAsync(() -> client.agentConfig(first.version(), 25));
        Thread.sleep(300);
        assertThat(waiting).isNotDone();
        cp.createTunnel("alice", Map.of("name", "web", "type", "http", "localTarget", "localhost:8080",
                "subdomain", "web", "basicAuth", "u:p"));
        AgentConfiguration changed = waiting.get(1, TimeUnit.SECONDS);

        assertThat(changed.version()).isGreaterThan(first.version());
        assertThat(changed.tunnels()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("web");
            assertThat(t.basicAuth()).as("agents get it").isEqualTo("u:p");
        });
    }

    @Test
    void deviceLoginPendingThenApproved() {
        cp.deviceLogin(DeviceOutcome.APPROVE, 1, "carol");
        ControlPlaneClient anonymous = new ControlPlaneClient(cp.uri(), null);

        DeviceAuthorization auth = anonymous.authorizeDevice("fluxctl on test");
        assertThat(auth.userCode()).isEqualTo("ABCD-EFGH");
        assertThat(auth.interval()).isEqualTo(1);
        assertThat(cp.deviceClientName()).isEqualTo("fluxctl on test");

        assertThat(anonymous.pollDevice(auth.deviceCode()).outcome()).isEqualTo(DevicePoll.Outcome.PENDING);
        DevicePoll approved = anonymous.pollDevice(auth.deviceCode());
        assertThat(approved.outcome()).isEqualTo(DevicePoll.Outcome.APPROVED);
        assertThat(approved.username()).isEqualTo("carol");
        assertThat(new ControlPlaneClient(cp.uri(), approved.token()).me().username()).isEqualTo("carol");
        assertThat(anonymous.pollDevice(auth.deviceCode()).outcome()).as("handed out once")
                .isEqualTo(DevicePoll.Outcome.EXPIRED);
    }

    @Test
    void deviceLoginDeniedAndExpired() {
        ControlPlaneClient anonymous = new ControlPlaneClient(cp.uri(), null);
        cp.deviceLogin(DeviceOutcome.DENY, 0, "carol");
        assertThat(anonymous.pollDevice("dev-code-1").outcome()).isEqualTo(DevicePoll.Outcome.DENIED);
        cp.deviceLogin(DeviceOutcome.EXPIRE, 0, "carol");
        assertThat(anonymous.pollDevice("dev-code-1").outcome()).isEqualTo(DevicePoll.Outcome.EXPIRED);
        assertThat(anonymous.pollDevice("some-other-code").outcome()).isEqualTo(DevicePoll.Outcome.EXPIRED);
    }

    @Test
    void serverUrlsAreCheckedAndNormalised() {
        assertThat(ControlPlaneClient.serverUri("http://cp.example.com:8443/").toString())
                .isEqualTo("http://cp.example.com:8443");
        assertThatThrownBy(() -> ControlPlaneClient.serverUri("cp.example.com:8443"))
                .hasMessageContaining("server URL 'cp.example.com:8443' must start with http:// or https://");
    }
}
