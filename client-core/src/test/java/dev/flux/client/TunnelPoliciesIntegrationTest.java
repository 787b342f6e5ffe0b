package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tunnel policies end to end inside one JVM: a real node and real agents over sockets on 127.0.0.1, local services
 * that are real servers (a Netty server with HAProxy's decoder for the PROXY header).
 */
class TunnelPoliciesIntegrationTest {

    static final String TOKEN = "flx_policy-test-token-0123456789";
    static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    GatewayNode node;
    final List<Agent> agents = new ArrayList<>();
    final List<ServerSocket> servers = new ArrayList<>();
    final ExecutorService pool = Executors.newCachedThreadPool();
    EventLoopGroup nettyGroup;

    @BeforeEach
    void setUp() throws Exception {
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = 0
                subdomainHost = "tunnel.test"
                publicHost = "127.0.0.1"
                allowPorts = [ { start = 30000, end = 39999 } ]
                [[tokens]]
                name = "it"
                token = "%s"
                """.formatted(TOKEN), "node.toml", dir));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Agent a : agents) {
            a.close();
        }
        node.close();
        for (ServerSocket s : servers) {
            s.close();
        }
        if (nettyGroup != null) {
            nettyGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        pool.shutdownNow();
    }

    Agent agent(String tunnels) {
        Agent a = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                %s
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), tunnels), "flux.toml", dir),
                new AgentListener() { });
        agents.add(a);
        a.start();
        return a;
    }

    static void awaitState(Agent a, TunnelState state) {
        await().atMost(Duration.ofSeconds(15)).until(() -> a.status().stream().allMatch(s -> s.state() == state));
    }

    static int port(Agent a) {
        String url = a.status().get(0).urls().get(0);
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
    }

    /** A local service that greets every connection with its name and closes. */
    ServerSocket greeter(String name) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        pool.submit(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                }
            }
            return null;
        });
        return server;
    }

    /** A greeter on a port that was freed before, so that a stopped service can come back on its old port. */
    ServerSocket greeterOn(int port, String name) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress("127.0.0.1", port));
        servers.add(server);
        pool.submit(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write(name.getBytes(StandardCharsets.US_ASCII));
                }
            }
            return null;
        });
        return server;
    }

    static String read(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    static String httpGet(int vhostPort, String host) throws IOException {
        try (Socket s = new Socket("127.0.0.1", vhostPort)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void denyListRefusesTcpVisitorsAndHttpGetsA403() throws Exception {
        ServerSocket service = greeter("hello");
        Agent a = agent("""
                [[tunnels]]
                name = "denied"
                type = "tcp"
                localPort = %d
                denyIps = ["127.0.0.0/8"]
                [[tunnels]]
                name = "web"
                type = "http"
                localPort = %d
                subdomain = "web"
                allowIps = ["10.0.0.0/8"]
                [[tunnels]]
                name = "allowed"
                type = "tcp"
                localPort = %d
                allowIps = ["127.0.0.1/32"]
                denyIps = ["10.0.0.0/8"]
                """.formatted(service.getLocalPort(), service.getLocalPort(), service.getLocalPort()));
        awaitState(a, TunnelState.READY);
        List<TunnelStatus> status = a.status();
        int denied = Integer.parseInt(status.get(0).urls().get(0).replaceAll(".*:", ""));
        int allowed = Integer.parseInt(status.get(2).urls().get(0).replaceAll(".*:", ""));

        assertThat(read(denied)).isEmpty();
        assertThat(read(allowed)).isEqualTo("hello");
        assertThat(httpGet(node.vhostAddress().getPort(), "web.tunnel.test"))
                .startsWith("HTTP/1.1 403").contains("Access denied");
        var refused = node.registry().tunnels().stream().filter(t -> t.name().equals("denied")).findFirst()
                .orElseThrow();
        assertThat(refused.refusedVisitors()).isEqualTo(1);
        // the refused visitor never reached the agent
        assertThat(status.get(0).connections()).isZero();
        assertThat(a.status().get(0).bytesOut()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1", "v2"})
    void proxyHeaderCarriesTheVisitorAddressToTheLocalService(String version) throws Exception {
        BlockingQueue<HAProxyMessage> headers = new ArrayBlockingQueue<>(4);
        nettyGroup = new NioEventLoopGroup(1);
        Channel server = new ServerBootstrap().group(nettyGroup).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HAProxyMessageDecoder(), new SimpleChannelInboundHandler<Object>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof HAProxyMessage m) {
                                    headers.add(new HAProxyMessage(m.protocolVersion(), m.command(),
                                            m.proxiedProtocol(), m.sourceAddress(), m.destinationAddress(),
                                            m.sourcePort(), m.destinationPort()));
                                    ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(
                                            "ok".getBytes(StandardCharsets.US_ASCII)));
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        int localPort = ((InetSocketAddress) server.localAddress()).getPort();
        Agent a = agent("""
                [[tunnels]]
                name = "proxied"
                type = "tcp"
                localPort = %d
                proxyProtocol = "%s"
                """.formatted(localPort, version));
        awaitState(a, TunnelState.READY);
        int port = port(a);
        try (Socket visitor = new Socket("127.0.0.1", port)) {
            visitor.setSoTimeout(5_000);
            assertThat(new String(visitor.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("ok");
            HAProxyMessage m = headers.poll(5, TimeUnit.SECONDS);
            assertThat(m).isNotNull();
            assertThat(m.protocolVersion()).isEqualTo(version.equals("v1") ? HAProxyProtocolVersion.V1
                    : HAProxyProtocolVersion.V2);
            assertThat(m.sourceAddress()).isEqualTo("127.0.0.1");
            assertThat(m.sourcePort()).isEqualTo(visitor.getLocalPort());
            assertThat(m.destinationAddress()).isEqualTo("127.0.0.1");
            assertThat(m.destinationPort()).isEqualTo(port);
            m.release();
        }
        server.close().sync();
    }

    @Test
    void bandwidthLimitHoldsInBothDirections() throws Exception {
        // upload: a service that reads everything and notes when the last byte arrived
        int total = 6 * MIB;
        AtomicLong uploadDone = new AtomicLong();
        ServerSocket reader = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(reader);
        pool.submit(() -> {
            try (Socket s = reader.accept(); InputStream in = s.getInputStream()) {
                long n = 0;
                byte[] buf = new byte[64 * 1024];
                for (int r; n < total && (r = in.read(buf)) >= 0; ) {
                    n += r;
                }
                uploadDone.set(System.nanoTime());
                s.getOutputStream().write(1);
            }
            return null;
        });
        // download: a service that sends 6 MiB at once
        ServerSocket writer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(writer);
        pool.submit(() -> {
            try (Socket s = writer.accept(); OutputStream out = s.getOutputStream()) {
                out.write(new byte[total]);
            }
            return null;
        });
        Agent a = agent("""
                [[tunnels]]
                name = "up"
                type = "tcp"
                localPort = %d
                bandwidthLimit = "2MB"
                [[tunnels]]
                name = "down"
                type = "tcp"
                localPort = %d
                bandwidthLimit = "2MB"
                """.formatted(reader.getLocalPort(), writer.getLocalPort()));
        awaitState(a, TunnelState.READY);
        List<TunnelStatus> status = a.status();
        int up = Integer.parseInt(status.get(0).urls().get(0).replaceAll(".*:", ""));
        int down = Integer.parseInt(status.get(1).urls().get(0).replaceAll(".*:", ""));

        try (Socket s = new Socket("127.0.0.1", up)) {
            s.setSoTimeout(20_000);
            long start = System.nanoTime();
            s.getOutputStream().write(new byte[total]);
            assertThat(s.getInputStream().read()).isEqualTo(1);
            double seconds = (uploadDone.get() - start) / 1e9;
            assertThat(seconds).as("upload of 6 MiB at 2 MiB/s").isBetween(2.7, 3.3);
        }
        try (Socket s = new Socket("127.0.0.1", down)) {
            s.setSoTimeout(20_000);
            // the rate over the last 5 MiB: the shaper lets a first burst through, and the first bytes wait for
            // the stream to open, neither of which is the steady rate under test
            InputStream in = s.getInputStream();
            byte[] first = in.readNBytes(1024 * 1024);
            long start = System.nanoTime();
            byte[] rest = in.readAllBytes();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(first.length + rest.length).isEqualTo(total);
            assertThat(seconds).as("download of the last 5 MiB at 2 MiB/s").isBetween(2.25, 2.75);
        }
    }

    @Test
    void connectionLimitRefusesTheConnectionPastIt() throws Exception {
        ServerSocket holder = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(holder);
        List<Socket> held = new ArrayList<>();
        pool.submit(() -> {
            while (!holder.isClosed()) {
                held.add(holder.accept());
            }
            return null;
        });
        Agent a = agent("""
                [[tunnels]]
                name = "one"
                type = "tcp"
                localPort = %d
                maxConnections = 1
                """.formatted(holder.getLocalPort()));
        awaitState(a, TunnelState.READY);
        int port = port(a);
        try (Socket first = new Socket("127.0.0.1", port)) {
            await().atMost(Duration.ofSeconds(5)).until(() -> held.size() == 1);
            try (Socket second = new Socket("127.0.0.1", port)) {
                second.setSoTimeout(5_000);
                assertThat(second.getInputStream().read()).isEqualTo(-1);
            }
            assertThat(held).hasSize(1);
        }
    }

    @Test
    void groupSpreadsConnectionsAndFailsOverWhenAMemberTurnsUnhealthy() throws Exception {
        ServerSocket serviceA = greeter("A");
        ServerSocket serviceB = greeter("B");
        String member = """
                [[tunnels]]
                name = "svc"
                type = "tcp"
                localPort = %d
                group = "svc"
                groupKey = "s3cret"
                healthCheck = { type = "tcp", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 2 }
                """;
        Agent a = agent(member.formatted(serviceA.getLocalPort()));
        awaitState(a, TunnelState.READY);
        Agent b = agent(member.formatted(serviceB.getLocalPort()));
        awaitState(b, TunnelState.READY);
        int port = port(a);
        assertThat(port(b)).isEqualTo(port);

        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(read(port));
        }
        assertThat(seen).containsExactly("A", "B", "A", "B", "A", "B");

        // B's service stops: its health check fails twice, B leaves the group, A takes every connection
        int portB = serviceB.getLocalPort();
        serviceB.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.status().get(0).state() == TunnelState.UNHEALTHY);
        assertThat(b.status().get(0).error()).contains("health check failed 2 times in a row");
        for (int i = 0; i < 4; i++) {
            assertThat(read(port)).isEqualTo("A");
        }

        // B's service is back: B rejoins and gets its turns again
        greeterOn(portB, "B");
        awaitState(b, TunnelState.READY);
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            after.add(read(port));
        }
        assertThat(after).containsOnly("A", "B").contains("A", "B");

        // the founding member leaves: the group keeps its port for B
        a.close();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.registry().tunnels().size() == 1);
        assertThat(read(port)).isEqualTo("B");
        assertThat(read(port)).isEqualTo("B");
    }

    @Test
    void httpGroupSpreadsConnectionsAcrossAgents() throws Exception {
        List<com.sun.net.httpserver.HttpServer> webs = new ArrayList<>();
        List<Agent> members = new ArrayList<>();
        try {
            for (String id : List.of("one", "two")) {
                var web = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                web.createContext("/", ex -> {
                    byte[] body = id.getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                    ex.close();
                });
                web.start();
                webs.add(web);
                Agent m = agent("""
                        [[tunnels]]
                        name = "site"
                        type = "http"
                        localPort = %d
                        subdomain = "site"
                        group = "site"
                        groupKey = "k"
                        """.formatted(web.getAddress().getPort()));
                awaitState(m, TunnelState.READY);
                members.add(m);
            }
            List<String> bodies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String response = httpGet(node.vhostAddress().getPort(), "site.tunnel.test");
                bodies.add(response.substring(response.indexOf("\r\n\r\n") + 4));
            }
            assertThat(bodies).containsExactly("one", "two", "one", "two");
        } finally {
            webs.forEach(w -> w.stop(0));
        }
    }

    @Test
    void udpDenyListDropsTheVisitorsDatagrams() throws Exception {
        java.net.DatagramSocket echo = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress());
        pool.submit(() -> {
            byte[] buf = new byte[2048];
            while (!echo.isClosed()) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(buf, buf.length);
                echo.receive(p);
                echo.send(new java.net.DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            }
            return null;
        });
        try (echo; java.net.DatagramSocket visitor = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Agent a = agent("""
                    [[tunnels]]
                    name = "open"
                    type = "udp"
                    localPort = %d
                    [[tunnels]]
                    name = "closed"
                    type = "udp"
                    localPort = %d
                    denyIps = ["127.0.0.1"]
                    """.formatted(echo.getLocalPort(), echo.getLocalPort()));
            awaitState(a, TunnelState.READY);
            int open = Integer.parseInt(a.status().get(0).urls().get(0).replaceAll(".*:", ""));
            int closed = Integer.parseInt(a.status().get(1).urls().get(0).replaceAll(".*:", ""));
            visitor.setSoTimeout(1_000);
            byte[] ping = "ping".getBytes(StandardCharsets.US_ASCII);
            visitor.send(new java.net.DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), closed));
            visitor.send(new java.net.DatagramPacket(ping, ping.length, InetAddress.getLoopbackAddress(), open));
            java.net.DatagramPacket reply = new java.net.DatagramPacket(new byte[16], 16);
            visitor.receive(reply);
            assertThat(reply.getPort()).isEqualTo(open);
            assertThat(org.junit.jupiter.api.Assertions.assertThrows(java.net.SocketTimeoutException.class,
                    () -> visitor.receive(new java.net.DatagramPacket(new byte[16], 16)))).isNotNull();
            var refused = node.registry().tunnels().stream().filter(t -> t.name().equals("closed")).findFirst()
                    .orElseThrow();
            assertThat(refused.refusedVisitors()).isEqualTo(1);
            assertThat(a.status().get(1).connections()).isZero();
        }
    }

    @Test
    void wrongGroupKeyIsRefusedWithAClearMessage() throws Exception {
        ServerSocket service = greeter("x");
        Agent a = agent("""
                [[tunnels]]
                name = "svc"
                type = "tcp"
                localPort = %d
                group = "svc"
                groupKey = "right"
                """.formatted(service.getLocalPort()));
        awaitState(a, TunnelState.READY);
        Agent b = agent("""
                [[tunnels]]
                name = "svc"
                type = "tcp"
                localPort = %d
                group = "svc"
                groupKey = "wrong"
                """.formatted(service.getLocalPort()));
        awaitState(b, TunnelState.REJECTED);
        assertThat(b.status().get(0).error()).isEqualTo("wrong groupKey for tcp group 'svc': the group exists on "
                + "this node and only tunnels with its key may join; check 'groupKey'");
    }
}
