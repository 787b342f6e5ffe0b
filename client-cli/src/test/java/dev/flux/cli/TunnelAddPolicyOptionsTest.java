package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.controlplane.CredentialStore;
import dev.flux.client.controlplane.Credentials;
import dev.flux.client.testing.ContractControlPlane;
import dev.flux.client.testing.ContractControlPlane.Token;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy options of {@code fluxctl tunnel add}, against a control plane speaking the contract. */
class TunnelAddPolicyOptionsTest {

    @TempDir
    Path dir;

    ContractControlPlane cp;

    @BeforeEach
    void start() throws Exception {
        cp = ContractControlPlane.start();
        Token alice = cp.addUser("alice", "laptop");
        new CredentialStore(dir).save(new Credentials(cp.uri().toString(), alice.secret(), "alice", "laptop"));
    }

    @AfterEach
    void stop() {
        cp.close();
    }

    CliRun.Result fluxctl(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config-dir";
        all[args.length + 1] = dir.toString();
        all[args.length + 2] = "--admin-port";
        all[args.length + 3] = "0";
        return CliRun.run(all);
    }

    @Test
    void policyOptionsAreSentToTheControlPlane() {
        CliRun.Result r = fluxctl("tunnel", "add", "tcp", "5432", "--name", "db", "--allow-ip", "10.0.0.0/8",
                "--allow-ip", "192.168.1.7", "--deny-ip", "10.9.0.0/16", "--proxy-protocol", "V2", "--bandwidth",
                "2MB", "--max-connections", "20");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(cp.tunnel("alice", "db"))
                .containsEntry("allowIps", List.of("10.0.0.0/8", "192.168.1.7"))
                .containsEntry("denyIps", List.of("10.9.0.0/16"))
                .containsEntry("proxyProtocol", "v2")
                .containsEntry("bandwidthLimit", "2MB")
                .containsEntry("maxConnections", 20);
    }

    @Test
    void badValuesAreNamedBeforeAnythingIsCreated() {
        assertRefused("'10.0.0.0/33': the prefix length must be 0-32 for an IPv4 address",
                "--deny-ip", "10.0.0.0/33");
        assertRefused("--allow-ip: 'localhost' is not an IP address or CIDR block", "--allow-ip", "localhost");
        assertRefused("--proxy-protocol: unknown PROXY protocol version 'v3' (expected: v1 or v2)",
                "--proxy-protocol", "v3");
        assertRefused("--bandwidth: '2 megs' is not a bandwidth", "--bandwidth", "2 megs");
        assertRefused("--max-connections: -1 (expected: 0 for no limit, or more)", "--max-connections", "-1");
        assertRefused("--group g needs --group-key: the key that founds the group, or the one its founder shares "
                + "to let you join", "--group", "g");
        assertRefused("--group-key needs --group (the group it opens)", "--group-key", "k");
        assertRefused("--group-key: empty or with control characters (expected: the group's key)", "--group", "g",
                "--group-key", " ");
        assertThat(cp.tunnel("alice", "tcp-22")).isNull();
    }

    private void assertRefused(String message, String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "tunnel";
        args[1] = "add";
        args[2] = "tcp";
        args[3] = "22";
        System.arraycopy(options, 0, args, 4, options.length);
        CliRun.Result r = fluxctl(args);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message);
    }

    @Test
    void groupOptionsAreSentAndTheGroupIsListed() {
        CliRun.Result first = fluxctl("tunnel", "add", "http", "8080", "--name", "web-1", "--subdomain", "web",
                "--group", "web", "--group-key", "K");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("tunnel web-1 created: http://web.tunnel.test (group web)");
        CliRun.Result second = fluxctl("tunnel", "add", "http", "8081", "--name", "web-2", "--subdomain", "web",
                "--group", "web", "--group-key", "K");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(cp.tunnel("alice", "web-2")).containsEntry("group", "web").doesNotContainKey("groupKey")
                .containsEntry("groupKeyHash", dev.flux.protocol.auth.Tokens.hash("K"));

        CliRun.Result list = CliRun.run("tunnel", "list", "--config-dir", dir.toString());
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines().toList()).containsExactly(
                "NAME   TYPE  GROUP  STATE    PUBLIC URL              LOCAL TARGET    TRAFFIC 24H",
                "web-1  http  web    offline  http://web.tunnel.test  localhost:8080  0 B",
                "web-2  http  web    offline  http://web.tunnel.test  localhost:8081  0 B");
        assertThat(CliRun.run("tunnel", "list", "-o", "json", "--config-dir", dir.toString()).out()).contains("\"group\" : \"web\"")
                .doesNotContain("groupKey");

        CliRun.Result udp = fluxctl("tunnel", "add", "udp", "53", "--group", "dns", "--group-key", "K");
        assertThat(udp.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(udp.err()).contains("--group: load-balancing groups are for tcp and http tunnels; a udp tunnel "
                + "cannot join one");
    }

    @Test
    void healthCheckOptionsAreSentToTheControlPlane() {
        CliRun.Result r = fluxctl("tunnel", "add", "http", "8080", "--name", "web", "--health-check", "http:/healthz",
                "--health-interval", "5", "--health-failures", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(cp.tunnel("alice", "web")).containsEntry("healthCheck", java.util.Map.of("type", "http",
                "path", "/healthz", "intervalSeconds", 5, "failureThreshold", 2));

        CliRun.Result bad = fluxctl("tunnel", "add", "tcp", "22", "--health-check", "icmp");
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("--health-check: 'icmp' (expected: tcp, http, or http:/PATH such as "
                + "http:/healthz)");
        CliRun.Result alone = fluxctl("tunnel", "add", "tcp", "22", "--health-interval", "5");
        assertThat(alone.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(alone.err()).contains("need --health-check tcp or http[:PATH]");
    }
}
