package dev.flux.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.e2e.framework.AgentProcess;
import dev.flux.e2e.framework.FluxProcesses;
import dev.flux.e2e.framework.NodeProcess;
import dev.flux.e2e.framework.Ports;
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
import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tunnel policies with real processes: a node and {@code fluxctl up} agents whose flux.toml sets the policy keys,
 * local services in the test JVM.
 */
class TunnelPoliciesTest {

    @RegisterExtension
    static final FluxProcesses flux = new FluxProcesses();

    @TempDir
    static Path dir;

    private static final int GROUP_PORT = Ports.free();
    private static final int DENIED_PORT = Ports.free();
    private static final int PROXY_PORT = Ports.free();
    private static final int LIMITED_PORT = Ports.free();
    private static final int MIB = 1024 * 1024;

    private static NodeProcess node;
    private final List<ServerSocket> services = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "policy-service");
        t.setDaemon(true);
        return t;
    });

    @BeforeAll
    static void startNode() {
        node = flux.startNode(dir, GROUP_PORT, DENIED_PORT, PROXY_PORT, LIMITED_PORT);
    }

    @AfterEach
    void stopServices() throws IOException {
        for (ServerSocket s : services) {
            s.close();
        }
        threads.shutdownNow();
    }

    /** A local service that writes {@code reply} to every connection and closes it. */
    private ServerSocket replying(int port, byte[] reply) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        services.add(server);
        threads.submit(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                    out.write(reply);
                } catch (IOException e) {
                    // the test closed the service, or a visitor went away early
                }
            }
        });
        return server;
    }

    private static String read(int port) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static final String GROUP_MEMBER = """
            [[tunnels]]
            name = "svc"
            type = "tcp"
            localPort = {{ localPort }}
            remotePort = {{ remotePort }}
            group = "svc"
            groupKey = "e2e-group-key"
            healthCheck = { type = "tcp", intervalSeconds = 1, timeoutSeconds = 1, failureThreshold = 2 }
            """;

    @Test
    void groupOfTwoAgentsSharesThePortAndFailsOverWhileAMemberIsUnhealthy() throws Exception {
        int portA = replying(0, "A".getBytes(StandardCharsets.US_ASCII)).getLocalPort();
        ServerSocket serviceB = replying(0, "B".getBytes(StandardCharsets.US_ASCII));
        int portB = serviceB.getLocalPort();
        AgentProcess a = flux.startAgent("agent-a", dir, node, GROUP_MEMBER,
                Map.of("localPort", portA, "remotePort", GROUP_PORT));
        AgentProcess b = flux.startAgent("agent-b", dir, node, GROUP_MEMBER,
                Map.of("localPort", portB, "remotePort", GROUP_PORT));
        assertThat(a.awaitTunnelReady("svc")).hasToString("tcp://127.0.0.1:" + GROUP_PORT);
        assertThat(b.awaitTunnelReady("svc")).hasToString("tcp://127.0.0.1:" + GROUP_PORT);

        List<String> turns = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            turns.add(read(GROUP_PORT));
        }
        assertThat(String.join("", turns)).isIn("ABABAB", "BABABA");

        serviceB.close();
        b.process().awaitLine(Pattern.compile("\\[svc] local service unhealthy"), Duration.ofSeconds(15));
        for (int i = 0; i < 4; i++) {
            assertThat(read(GROUP_PORT)).isEqualTo("A");
        }

        replying(portB, "B".getBytes(StandardCharsets.US_ASCII));
        b.process().awaitLine(Pattern.compile("\\[svc] local service healthy again"), Duration.ofSeconds(15));
        await().atMost(Duration.ofSeconds(10)).until(() -> read(GROUP_PORT).equals("B"));
        assertThat(List.of(read(GROUP_PORT), read(GROUP_PORT))).containsExactlyInAnyOrder("A", "B");
    }

    @Test
    void denyListClosesTheVisitorsConnection() throws Exception {
        int local = replying(0, "secret".getBytes(StandardCharsets.US_ASCII)).getLocalPort();
        AgentProcess agent = flux.startAgent("agent-deny", dir, node, """
                [[tunnels]]
                name = "denied"
                type = "tcp"
                localPort = {{ localPort }}
                remotePort = {{ remotePort }}
                denyIps = ["127.0.0.0/8"]
                """, Map.of("localPort", local, "remotePort", DENIED_PORT));
        agent.awaitTunnelReady("denied");
        assertThat(read(DENIED_PORT)).isEmpty();
    }

    @Test
    void proxyProtocolHeaderReachesTheLocalService() throws Exception {
        BlockingQueue<String> headers = new ArrayBlockingQueue<>(4);
        EventLoopGroup group = new NioEventLoopGroup(1);
        try {
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HAProxyMessageDecoder(),
                                    new SimpleChannelInboundHandler<Object>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
                                            if (msg instanceof HAProxyMessage m) {
                                                headers.add(m.protocolVersion() + " " + m.sourceAddress() + ":"
                                                        + m.sourcePort() + " -> " + m.destinationAddress() + ":"
                                                        + m.destinationPort());
                                                ctx.writeAndFlush(ctx.alloc().buffer().writeByte('!'));
                                            }
                                        }
                                    });
                        }
                    }).bind(InetAddress.getLoopbackAddress(), 0).sync().channel();
            int local = ((InetSocketAddress) server.localAddress()).getPort();
            AgentProcess agent = flux.startAgent("agent-proxy", dir, node, """
                    [[tunnels]]
                    name = "proxied"
                    type = "tcp"
                    localPort = {{ localPort }}
                    remotePort = {{ remotePort }}
                    proxyProtocol = "v2"
                    """, Map.of("localPort", local, "remotePort", PROXY_PORT));
            agent.awaitTunnelReady("proxied");
            try (Socket visitor = new Socket(InetAddress.getLoopbackAddress(), PROXY_PORT)) {
                visitor.setSoTimeout(10_000);
                assertThat(visitor.getInputStream().read()).isEqualTo('!');
                assertThat(headers.poll(10, TimeUnit.SECONDS)).isEqualTo("V2 127.0.0.1:" + visitor.getLocalPort()
                        + " -> 127.0.0.1:" + PROXY_PORT);
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void bandwidthLimitHoldsWithinTenPercent() throws Exception {
        int local = replying(0, new byte[6 * MIB]).getLocalPort();
        AgentProcess agent = flux.startAgent("agent-limited", dir, node, """
                [[tunnels]]
                name = "limited"
                type = "tcp"
                localPort = {{ localPort }}
                remotePort = {{ remotePort }}
                bandwidthLimit = "2MB"
                """, Map.of("localPort", local, "remotePort", LIMITED_PORT));
        agent.awaitTunnelReady("limited");
        try (Socket visitor = new Socket(InetAddress.getLoopbackAddress(), LIMITED_PORT)) {
            visitor.setSoTimeout(20_000);
            long start = System.nanoTime();
            byte[] all = visitor.getInputStream().readAllBytes();
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(all).hasSize(6 * MIB);
            assertThat(seconds).as("6 MiB at 2 MiB/s").isBetween(2.7, 3.3);
        }
    }
}
