package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.admin.LocalAdminServer;
import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.testing.ContractControlPlane;
import dev.flux.client.testing.ContractControlPlane.Token;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fluxctl tunnel ...} against a control plane speaking the contract on 127.0.0.1. */
class TunnelCommandTest {

    @TempDir
    Path dir;

    ContractControlPlane cp;
    Token alice;
    String noAgentPort;

    @BeforeEach
    void start() throws Exception {
        cp = ContractControlPlane.start();
        alice = cp.addUser("alice", "laptop");
        new CredentialStore(dir).save(new Credentials(cp.uri().toString(), alice.secret(), "alice", "laptop"));
        try (ServerSocket s = new ServerSocket(0)) {
            noAgentPort = String.valueOf(s.getLocalPort());
        }
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    CliRun.Result fluxctl(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config-dir";
        all[args.length + 1] = dir.toString();
        return CliRun.run(all);
    }

    @Test
    void addHttpPrintsThePublicUrlAndHowToServeIt() {
        CliRun.Result r = fluxctl("tunnel", "add", "http", "8080", "--subdomain", "wx", "--basic-auth", "u:p",
                "--admin-port", noAgentPort);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("tunnel wx created: http://wx.tunnel.test" + System.lineSeparator())
                .contains("no agent is running on this machine: start one with `fluxctl up` to serve it");
        assertThat(cp.tunnel("alice", "wx")).containsEntry("localTarget", "localhost:8080")
                .containsEntry("type", "http").containsEntry("basicAuth", "u:p");
    }

    @Test
    void addHttpsPassesTlsThroughUnlessToldToTerminate() {
        CliRun.Result shop = fluxctl("tunnel", "add", "https", "8443", "--subdomain", "shop", "--admin-port", "0");
        assertThat(shop.exitCode()).as(shop.err()).isZero();
        assertThat(shop.out()).startsWith("tunnel shop created: https://shop.tunnel.test" + System.lineSeparator());
        assertThat(cp.tunnel("alice", "shop")).containsEntry("type", "https").doesNotContainKey("tlsTermination");

        CliRun.Result app = fluxctl("tunnel", "add", "https", "8080", "--subdomain", "app", "--terminate",
                "--basic-auth", "u:p", "--admin-port", "0");
        assertThat(app.exitCode()).as(app.err()).isZero();
        assertThat(cp.tunnel("alice", "app")).containsEntry("tlsTermination", "node").containsEntry("basicAuth", "u:p");

        assertUsage(fluxctl("tunnel", "add", "http", "8080", "--terminate"), "--terminate is for https tunnels");
        assertUsage(fluxctl("tunnel", "add", "https", "8443", "--basic-auth", "u:p"),
                "--basic-auth on an https tunnel needs --terminate");
    }

    @Test
    void addTcpAndUdpWithHostPortTargets() {
        CliRun.Result tcp = fluxctl("tunnel", "add", "tcp", "22", "--remote-port", "6022", "--admin-port", "0");
        assertThat(tcp.out()).startsWith("tunnel tcp-22 created: tcp://tunnel.test:6022");

        CliRun.Result udp = fluxctl("tunnel", "add", "udp", "192.168.1.10:53", "--name", "dns", "--admin-port", "0");
        assertThat(udp.out()).startsWith("tunnel dns created: udp://tunnel.test:");
        assertThat(cp.tunnel("alice", "dns")).containsEntry("localTarget", "192.168.1.10:53");
    }

    @Test
    void aRunningAgentIsToldToApplyTheChange() throws Exception {
        AtomicInteger syncs = new AtomicInteger();
        try (LocalAdminServer agent = LocalAdminServer.start(0, List::of, syncs::incrementAndGet)) {
            String port = String.valueOf(agent.port());
            assertThat(fluxctl("tunnel", "add", "http", "3000", "--admin-port", port).out())
                    .contains("the agent running on this machine applies the change now");
            assertThat(fluxctl("tunnel", "disable", "http-3000", "--admin-port", port).out())
                    .startsWith("tunnel http-3000 disabled").contains("applies the change now");
            assertThat(syncs).hasValue(2);
        }
    }

    @Test
    void refusalsArePrintedAsTheServerSaysThem() {
        Token bob = cp.addUser("bob", "ci");
        cp.createTunnel("bob", java.util.Map.of("name", "wx", "type", "http", "subdomain", "wx",
                "localTarget", "localhost:80"));
        CliRun.Result taken = fluxctl("tunnel", "add", "http", "8080", "--subdomain", "wx", "--admin-port", "0");
        assertThat(taken.exitCode()).isEqualTo(1);
        assertThat(taken.err()).isEqualTo("error: subdomain 'wx' is taken" + System.lineSeparator());

        cp.setMaxTunnels(0);
        CliRun.Result quota = fluxctl("tunnel", "add", "tcp", "22", "--admin-port", "0");
        assertThat(quota.exitCode()).isEqualTo(1);
        assertThat(quota.err()).isEqualTo("error: quota of 0 tunnels reached" + System.lineSeparator());
        assertThat(bob).isNotNull();
    }

    @Test
    void argumentErrorsExitWith2AndNameTheValue() {
        assertUsage(fluxctl("tunnel", "add", "ftp", "21"), "tunnel type 'ftp' is not known (expected: http, https, tcp, udp, stcp, sudp, xtcp)");
        assertUsage(fluxctl("tunnel", "add", "http", "0"), "local target '0' has no valid port");
        assertUsage(fluxctl("tunnel", "add", "http", "web:abc"), "local target 'web:abc' has no valid port");
        assertUsage(fluxctl("tunnel", "add", "http", "8080", "--remote-port", "6022"),
                "--remote-port is for tcp and udp tunnels");
        assertUsage(fluxctl("tunnel", "add", "tcp", "22", "--subdomain", "wx"), "--subdomain is for http and https");
        assertUsage(fluxctl("tunnel", "add", "http", "8080", "--basic-auth", "alice"),
                "--basic-auth: expected USER:PASSWORD");
        assertUsage(fluxctl("tunnel", "add", "http"), "Missing required parameter: 'TARGET'");
        assertUsage(fluxctl("tunnel", "rm"), "Missing required parameter: 'NAME'");
        assertThat(cp.tunnelNames("alice")).isEmpty();
    }

    @Test
    void listAsATableAndAsJson() {
        fluxctl("tunnel", "add", "http", "8080", "--subdomain", "wx", "--admin-port", "0");
        fluxctl("tunnel", "add", "tcp", "22", "--remote-port", "6022", "--admin-port", "0");
        fluxctl("tunnel", "disable", "tcp-22", "--admin-port", "0");

        CliRun.Result table = fluxctl("tunnel", "list");
        assertThat(table.out().lines().toList()).containsExactly(
                "NAME    TYPE  GROUP  STATE     PUBLIC URL              LOCAL TARGET    TRAFFIC 24H",
                "wx      http  -      offline   http://wx.tunnel.test   localhost:8080  0 B",
                "tcp-22  tcp   -      disabled  tcp://tunnel.test:6022  localhost:22    0 B");

        CliRun.Result json = fluxctl("tunnel", "list", "--output", "json");
        assertThat(json.out()).contains("\"name\" : \"wx\"").contains("\"publicUrl\" : \"tcp://tunnel.test:6022\"")
                .contains("\"enabled\" : false").doesNotContain("basicAuth");

        CliRun.Result bad = fluxctl("tunnel", "list", "-o", "yaml");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("yaml").contains("table, json");
    }

    @Test
    void removeEnableAndUnknownNames() {
        fluxctl("tunnel", "add", "http", "8080", "--admin-port", "0");

        assertThat(fluxctl("tunnel", "disable", "http-8080", "--admin-port", "0").out())
                .isEqualTo("tunnel http-8080 disabled" + System.lineSeparator());
        assertThat(fluxctl("tunnel", "enable", "http-8080", "--admin-port", noAgentPort).out())
                .startsWith("tunnel http-8080 enabled").contains("no agent is running");
        assertThat(fluxctl("tunnel", "rm", "http-8080", "--admin-port", noAgentPort).out())
                .isEqualTo("tunnel http-8080 removed" + System.lineSeparator());
        assertThat(cp.tunnelNames("alice")).isEmpty();

        CliRun.Result unknown = fluxctl("tunnel", "rm", "http-8080");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("error: you have no tunnel 'http-8080'" + System.lineSeparator());
    }

    @Test
    void withoutALoginTheCommandsSayHowToLogIn() {
        CliRun.Result r = CliRun.run("tunnel", "list", "--config-dir", dir.resolve("empty").toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("not logged in").contains("fluxctl login --server URL");
    }

    private static void assertUsage(CliRun.Result r, String message) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("Exception");
    }
}
