package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.ManagedProcess;
import dev.flux.e2e.service.NetTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * XTCP through real NATs: network namespaces this test builds, with nftables masquerading on two routers.
 *
 * <pre>
 *   node (flux-wan, 10.77.0.1/24 on a bridge)
 *      |                         |
 *   10.77.0.2 flux-nat-a       10.77.0.3 flux-nat-b     masquerade (cone) | masquerade random (symmetric)
 *   10.78.1.1                  10.78.2.1
 *      |                         |
 *   10.78.1.2 flux-lan-a       10.78.2.2 flux-lan-b
 *   owner agent + echo         visitor agent + client
 * </pre>
 *
 * Each router also drops new connections from the WAN to itself, as home routers do.
 *
 * Behind cone NATs the visitor punches through and the data flows peer to peer: the node's own TCP port (counted
 * by an nftables counter on its input) sees only control traffic. Behind symmetric NATs punching fails, the visitor
 * relays through the node within the punch window, and the data still arrives intact (SHA-256). Needs root,
 * {@code ip} and {@code nft}; without them the test is skipped and says what is missing.
 */
class XtcpNatTest {

    @RegisterExtension
    static final FluxProcesses processes = new FluxProcesses();

    private static final String RUN = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
    private static final String SECRET = "nat-secret-5b2e71";
    private static final String TOKEN = "flx_nat-token-0123456789abcdef";
    private static final int NODE_PORT = 7000;
    private static final int ECHO_PORT = 9000;
    private static final int VISITOR_PORT = 9100;
    private static final int BYTES = 2 * 1024 * 1024;
    private static final Duration READY = Duration.ofSeconds(60);
    private static final List<String> namespaces = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireRootIpAndNft() {
        List<String> missing = new ArrayList<>();
        if (!"root".equals(System.getProperty("user.name"))) {
            missing.add("root (network namespaces need it; running as " + System.getProperty("user.name") + ")");
        }
        for (String tool : List.of("ip", "nft")) {
            if (!onPath(tool)) {
                missing.add("the '" + tool + "' command (apt-get install " + (tool.equals("ip") ? "iproute2"
                        : "nftables") + ")");
            }
        }
        String reason = "XtcpNatTest skipped: missing " + String.join(", ", missing);
        if (!missing.isEmpty()) {
            System.out.println(reason);
        }
        Assumptions.assumeTrue(missing.isEmpty(), reason);
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    @AfterAll
    static void removeNamespaces() throws Exception {
        for (String ns : namespaces) {
            run(false, "ip", "netns", "del", ns);
        }
        namespaces.clear();
    }

    @Test
    void behindConeNatsTheDataFlowsPeerToPeer() throws Exception {
        Topology t = Topology.build("c", "masquerade");
        // the owner's host has two more networks that the visitor cannot reach: an IPv4 and an IPv6 one
        // (on a veth pair that leads nowhere)
        run(true, "ip", "-n", t.lanA, "link", "add", "side0", "type", "veth", "peer", "name", "side1");
        run(true, "ip", "-n", t.lanA, "addr", "add", "10.99.1.2/24", "dev", "side0");
        run(true, "ip", "-n", t.lanA, "addr", "add", "fd00:99::2/64", "dev", "side0", "nodad");
        run(true, "ip", "-n", t.lanA, "link", "set", "side1", "up");
        run(true, "ip", "-n", t.lanA, "link", "set", "side0", "up");
        Scenario s = start(t);

        String result = s.send(1);
        assertIntact(result);
        // every address of the owner is offered and punched at once; the NAT's mapping is the one that answers
        String punched = s.visitor.awaitLine(Pattern.compile(
                "\\[echo] punching (\\d+) candidate addresses of the owner: (.*)"), Duration.ofSeconds(5)).group(2);
        assertThat(punched).startsWith("[10.77.0.2:").contains("10.78.1.2:", "10.99.1.2:", "[fd00:99:0:0:0:0:0:2]:");
        s.visitor.awaitLine(Pattern.compile("\\[v] connected peer-to-peer to 10\\.77\\.0\\.2:\\d+"),
                Duration.ofSeconds(5));

        long nodeBytes = t.nodeInputBytes();
        assertThat(nodeBytes).as("bytes that reached the node's agent port (control traffic only)")
                .isLessThan(BYTES / 4);
    }

    @Test
    void behindSymmetricNatsTheVisitorFallsBackToTheRelay() throws Exception {
        Topology t = Topology.build("s", "masquerade random");
        Scenario s = start(t);

        long start = System.nanoTime();
        String result = s.send(2);
        assertIntact(result);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("punching gave up within its bound")
                .isLessThan(Duration.ofSeconds(30));
        s.visitor.awaitLine(Pattern.compile(
                "\\[v] peer-to-peer failed after 3 s \\(symmetric NAT\\?\\), relaying through the node"),
                Duration.ofSeconds(5));

        assertThat(t.nodeInputBytes()).as("the data went through the node, both ways")
                .isGreaterThan(2L * BYTES);
    }

    @Test
    void anIdleSessionOutlivesTheNatMappingAndADeadPeerIsNoticed() throws Exception {
        Topology t = Topology.build("k", "masquerade");
        // the routers forget an idle UDP mapping after 3 s; the agents keep theirs alive every second and call a
        // session dead after 4 s of silence (production: 10 s and 30 s, for NATs that keep 30 s)
        for (String nat : List.of(t.natA, t.natB)) {
            run(true, "ip", "netns", "exec", nat, "sysctl", "-qw", "net.netfilter.nf_conntrack_udp_timeout=3",
                    "net.netfilter.nf_conntrack_udp_timeout_stream=3");
        }
        Scenario s = start(t, Map.of("JAVA_TOOL_OPTIONS",
                "-Dflux.p2p.keepaliveMillis=1000 -Dflux.p2p.idleTimeoutMillis=4000"));
        assertIntact(s.send(1));
        Pattern connected = Pattern.compile("\\[v] connected peer-to-peer to 10\\.77\\.0\\.2:\\d+");
        s.visitor.awaitLine(connected, Duration.ofSeconds(5));
        long nodeBefore = t.nodeInputBytes();

        Thread.sleep(10_000); // idle: more than three NAT timeouts and twice the session's idle timeout
        assertIntact(s.send(2));
        assertThat(count(s.visitor, connected)).as("the same peer-to-peer session carried the second transfer")
                .isEqualTo(1);
        assertThat(count(s.visitor, Pattern.compile("peer-to-peer session .* is dead"))).isZero();
        assertThat(t.nodeInputBytes() - nodeBefore).as("nothing relayed").isLessThan(BYTES / 4);

        // the path dies (every forwarded datagram at NAT A dropped): the visitor notices within the idle timeout
        // and its next connection relays through the node, intact
        run(true, "ip", "netns", "exec", t.natA, "nft", "add", "table", "inet", "cut");
        run(true, "ip", "netns", "exec", t.natA, "nft", "add", "chain", "inet", "cut", "drops", "{", "type", "filter",
                "hook", "forward", "priority", "-10", ";", "}");
        run(true, "ip", "netns", "exec", t.natA, "nft", "add", "rule", "inet", "cut", "drops", "meta", "l4proto",
                "udp", "drop");
        s.visitor.awaitLine(Pattern.compile("\\[v] the peer-to-peer session to 10\\.77\\.0\\.2:\\d+ is dead "
                + "\\(nothing heard for 4000 ms\\)"), Duration.ofSeconds(15));
        long nodeAtCut = t.nodeInputBytes();
        assertIntact(s.send(3));
        s.visitor.awaitLine(Pattern.compile("\\[v] .*, relaying through the node"), Duration.ofSeconds(5));
        assertThat(t.nodeInputBytes() - nodeAtCut).as("the data went through the node").isGreaterThan(2L * BYTES);
    }

    private static long count(ManagedProcess p, Pattern pattern) {
        return p.lines().stream().filter(l -> pattern.matcher(l.text()).find()).count();
    }

    private static void assertIntact(String result) {
        Matcher m = Pattern.compile("sent (\\d+) sha256 (\\w+) received (\\d+) sha256 (\\w+)").matcher(result);
        assertThat(m.find()).as("client output: " + result).isTrue();
        assertThat(m.group(3)).isEqualTo(String.valueOf(BYTES));
        assertThat(m.group(4)).as("SHA-256 of what came back").isEqualTo(m.group(2));
    }

    /** The node in the WAN, the echo service and the owner behind NAT A, the visitor behind NAT B. */
    private Scenario start(Topology t) throws IOException {
        return start(t, Map.of());
    }

    /** @param agentEnv extra environment of both agents */
    private Scenario start(Topology t, Map<String, String> agentEnv) throws IOException {
        Path nodeDir = dir.resolve("node");
        Files.createDirectories(nodeDir);
        Path nodeConfig = nodeDir.resolve("node.toml");
        Files.writeString(nodeConfig, """
                bindAddr = "10.77.0.1"
                bindPort = %d
                publicHost = "10.77.0.1"
                vhostHTTPPort = -1
                allowPorts = [ { single = 20000 } ]
                dataDir = "node-data"

                [[tokens]]
                name = "e2e"
                token = "%s"
                """.formatted(NODE_PORT, TOKEN));
        ManagedProcess node = processes.startInNamespace(t.wan, "node", nodeDir, "node", "--config",
                nodeConfig.toString());
        String fingerprint = node.awaitLine(Pattern.compile("fingerprint: (SHA256:[A-Za-z0-9+/=]+)"), READY)
                .group(1);
        node.awaitLine(Pattern.compile("peer-to-peer rendezvous on 10\\.77\\.0\\.1:" + NODE_PORT + "/udp"), READY);
        node.awaitLine(Pattern.compile("node ready: "), READY);

        ManagedProcess echo = processes.startInNamespace(t.lanA, "echo", dir.resolve("echo"),
                NetTool.class.getName(), "echo", "127.0.0.1", String.valueOf(ECHO_PORT));
        echo.awaitLine(Pattern.compile("echo listening"), READY);

        String head = """
                serverAddr = "10.77.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                """.formatted(NODE_PORT, TOKEN, fingerprint);
        ManagedProcess owner = agent(t.lanA, "owner", agentEnv, head + """
                [[tunnels]]
                name = "echo"
                type = "xtcp"
                localPort = %d
                secretKey = "%s"
                """.formatted(ECHO_PORT, SECRET));
        owner.awaitLine(Pattern.compile("\\[echo] tunnel ready xtcp://"), READY);
        ManagedProcess visitor = agent(t.lanB, "visitor", agentEnv, head + """
                [[visitors]]
                name = "v"
                type = "xtcp"
                serverName = "echo"
                secretKey = "%s"
                bindPort = %d
                """.formatted(SECRET, VISITOR_PORT));
        visitor.awaitLine(Pattern.compile("visitor listening on 127\\.0\\.0\\.1:" + VISITOR_PORT), READY);
        visitor.awaitLine(Pattern.compile("logged in to node"), READY);
        return new Scenario(t, visitor);
    }

    private ManagedProcess agent(String netns, String name, Map<String, String> env, String config)
            throws IOException {
        Path d = dir.resolve(name);
        Files.createDirectories(d);
        Path file = d.resolve("flux.toml");
        Files.writeString(file, config);
        return processes.startInNamespace(netns, name, d, env, "fluxctl", "up", "--verbose", "-c",
                file.toString());
    }

    private final class Scenario {
        final Topology topology;
        final ManagedProcess visitor;

        Scenario(Topology topology, ManagedProcess visitor) {
            this.topology = topology;
            this.visitor = visitor;
        }

        /** Sends {@value #BYTES} bytes through the visitor's port from inside its LAN; returns the client's line. */
        String send(int seed) {
            ManagedProcess client = processes.startInNamespace(topology.lanB, "client", dir.resolve("client"),
                    NetTool.class.getName(), "send", "127.0.0.1", String.valueOf(VISITOR_PORT),
                    String.valueOf(BYTES), String.valueOf(seed));
            return client.awaitLine(Pattern.compile("sent .*"), Duration.ofSeconds(90)).group();
        }
    }

    /** The five namespaces of one scenario, named uniquely per run. */
    private record Topology(String wan, String natA, String natB, String lanA, String lanB) {

        static Topology build(String scenario, String masquerade) throws Exception {
            String p = "flux-" + RUN + scenario + "-";
            Topology t = new Topology(p + "wan", p + "nat-a", p + "nat-b", p + "lan-a", p + "lan-b");
            for (String ns : List.of(t.wan, t.natA, t.natB, t.lanA, t.lanB)) {
                run(true, "ip", "netns", "add", ns);
                namespaces.add(ns);
                run(true, "ip", "-n", ns, "link", "set", "lo", "up");
            }
            run(true, "ip", "-n", t.wan, "link", "add", "br0", "type", "bridge");
            run(true, "ip", "-n", t.wan, "addr", "add", "10.77.0.1/24", "dev", "br0");
            run(true, "ip", "-n", t.wan, "link", "set", "br0", "up");
            t.router(t.natA, "pa", "10.77.0.2", "10.78.1", t.lanA, masquerade);
            t.router(t.natB, "pb", "10.77.0.3", "10.78.2", t.lanB, masquerade);
            // what reaches the node's agent port: the relayed data, or only control traffic
            run(true, "ip", "netns", "exec", t.wan, "nft", "add", "table", "inet", "fluxacct");
            run(true, "ip", "netns", "exec", t.wan, "nft", "add", "chain", "inet", "fluxacct", "in", "{", "type",
                    "filter", "hook", "input", "priority", "0", ";", "}");
            run(true, "ip", "netns", "exec", t.wan, "nft", "add", "rule", "inet", "fluxacct", "in", "tcp", "dport",
                    String.valueOf(NODE_PORT), "counter");
            return t;
        }

        /** A NAT router between the WAN bridge and one LAN with one host. */
        private void router(String nat, String wanPort, String wanAddress, String lan, String host,
                            String masquerade) throws Exception {
            run(true, "ip", "-n", wan, "link", "add", wanPort, "type", "veth", "peer", "name", "wan", "netns", nat);
            run(true, "ip", "-n", wan, "link", "set", wanPort, "master", "br0");
            run(true, "ip", "-n", wan, "link", "set", wanPort, "up");
            run(true, "ip", "-n", nat, "addr", "add", wanAddress + "/24", "dev", "wan");
            run(true, "ip", "-n", nat, "link", "set", "wan", "up");
            run(true, "ip", "-n", nat, "link", "add", "lan", "type", "veth", "peer", "name", "eth0", "netns", host);
            run(true, "ip", "-n", nat, "addr", "add", lan + ".1/24", "dev", "lan");
            run(true, "ip", "-n", nat, "link", "set", "lan", "up");
            run(true, "ip", "-n", host, "addr", "add", lan + ".2/24", "dev", "eth0");
            run(true, "ip", "-n", host, "link", "set", "eth0", "up");
            run(true, "ip", "-n", host, "route", "add", "default", "via", lan + ".1");
            run(true, "ip", "netns", "exec", nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
            run(true, "ip", "netns", "exec", nat, "nft", "add", "table", "ip", "nat");
            run(true, "ip", "netns", "exec", nat, "nft", "add", "chain", "ip", "nat", "post", "{", "type", "nat",
                    "hook", "postrouting", "priority", "100", ";", "}");
            // the usual home-router firewall: nothing new comes in from the WAN to the router itself. Without it a
            // punch that arrives before this side's own punch went out leaves a conntrack entry for the router's
            // port, and the masquerade then picks another port for the outgoing punches (Linux avoids the clash)
            run(true, "ip", "netns", "exec", nat, "nft", "add", "table", "inet", "filter");
            run(true, "ip", "netns", "exec", nat, "nft", "add", "chain", "inet", "filter", "input", "{", "type",
                    "filter", "hook", "input", "priority", "0", ";", "}");
            run(true, "ip", "netns", "exec", nat, "nft", "add", "rule", "inet", "filter", "input", "iifname", "wan",
                    "ct", "state", "new", "drop");
            List<String> rule = new ArrayList<>(List.of("ip", "netns", "exec", nat, "nft", "add", "rule", "ip", "nat",
                    "post", "oifname", "wan"));
            rule.addAll(List.of(masquerade.split(" ")));
            run(true, rule.toArray(String[]::new));
        }

        /** Bytes counted on the node's input to its agent port so far. */
        long nodeInputBytes() throws Exception {
            String out = run(true, "ip", "netns", "exec", wan, "nft", "list", "table", "inet", "fluxacct");
            Matcher m = Pattern.compile("counter packets \\d+ bytes (\\d+)").matcher(out);
            if (!m.find()) {
                throw new AssertionError("no counter in: " + out);
            }
            return Long.parseLong(m.group(1));
        }
    }

    /** Runs a command; with {@code check}, fails on a non-zero exit naming the command and its output. */
    private static String run(boolean check, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        if (check && p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }
}
