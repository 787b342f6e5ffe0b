package dev.flux.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flux.client.config.AgentConfigLoader;
import dev.flux.node.GatewayNode;
import dev.flux.node.config.NodeConfigLoader;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.buffer.ByteBuf;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PROXY protocol v2 on a UDP tunnel, over real sockets on 127.0.0.1: the agent puts the header before every datagram
 * to the local service (as HAProxy, nginx and BIND read it), and Netty's decoder reads the visitor's address from
 * each one.
 */
class UdpProxyProtocolIntegrationTest {

    private static final String TOKEN = "flx_udp-proxy-protocol-test-token-0123456789";
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    GatewayNode node;
    Agent agent;
    DatagramSocket service;
    final List<HAProxyMessage> headers = new CopyOnWriteArrayList<>();
    final List<String> payloads = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        if (agent != null) {
            agent.close();
        }
        if (node != null) {
            node.close();
        }
        if (service != null) {
            service.close();
        }
        headers.forEach(HAProxyMessage::release);
    }

    @Test
    void everyDatagramCarriesTheVisitorsAddressInAV2Header() throws Exception {
        service = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        Thread serving = new Thread(this::serve, "proxied-udp-service");
        serving.setDaemon(true);
        serving.start();
        node = GatewayNode.start(NodeConfigLoader.parse("""
                bindAddr = "127.0.0.1"
                bindPort = 0
                vhostHTTPPort = -1
                publicHost = "127.0.0.1"
                allowPorts = [ { start = 30000, end = 39999 } ]
                [[tokens]]
                name = "it"
                token = "%s"
                """.formatted(TOKEN), "node.toml", dir));
        agent = new Agent(AgentConfigLoader.parse("""
                serverAddr = "127.0.0.1"
                serverPort = %d
                token = "%s"
                [tls]
                fingerprint = "%s"
                [[tunnels]]
                name = "dns"
                type = "udp"
                localPort = %d
                proxyProtocol = "v2"
                """.formatted(node.tunnelAddress().getPort(), TOKEN, node.fingerprint(), service.getLocalPort()),
                "flux.toml", dir), new AgentListener() { });
        agent.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> agent.status().get(0).state() == TunnelState.READY);
        String url = agent.status().get(0).urls().get(0);
        int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));

        try (DatagramSocket visitor = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            visitor.setSoTimeout(2_000);
            for (int i = 0; i < 3; i++) {
                String answer = exchange(visitor, port, "query " + i);
                // the answer comes back without a header: PROXY protocol runs toward the local service only
                assertThat(answer).isEqualTo("answer:query " + i);
            }
            assertThat(payloads).containsExactly("query 0", "query 1", "query 2");
            assertThat(headers).hasSize(3);
            for (HAProxyMessage h : headers) {
                assertThat(h.protocolVersion()).isEqualTo(HAProxyProtocolVersion.V2);
                assertThat(h.command()).isEqualTo(HAProxyCommand.PROXY);
                assertThat(h.proxiedProtocol()).isEqualTo(HAProxyProxiedProtocol.UDP4);
                assertThat(h.sourceAddress()).isEqualTo("127.0.0.1");
                assertThat(h.sourcePort()).isEqualTo(visitor.getLocalPort());
                assertThat(h.destinationAddress()).isEqualTo("127.0.0.1");
                assertThat(h.destinationPort()).isEqualTo(port);
            }
        }
    }

    /** Sends a datagram until it is answered (at most 5 tries). */
    private static String exchange(DatagramSocket s, int port, String query) throws Exception {
        byte[] q = query.getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 5; attempt++) {
            s.send(new DatagramPacket(q, q.length, LOOPBACK, port));
            byte[] buf = new byte[2048];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
                return new String(buf, 0, p.getLength(), StandardCharsets.UTF_8);
            } catch (SocketTimeoutException e) {
                // lost or not yet tunnelled: again
            }
        }
        throw new AssertionError("no answer to " + query);
    }

    /** The local service: decodes each datagram's PROXY header with Netty's decoder, answers the payload. */
    private void serve() {
        byte[] buf = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!service.isClosed()) {
            try {
                p.setLength(buf.length);
                service.receive(p);
                EmbeddedChannel decoder = new EmbeddedChannel(new HAProxyMessageDecoder());
                decoder.writeInbound(Unpooled.copiedBuffer(buf, 0, p.getLength()));
                HAProxyMessage header = decoder.readInbound();
                ByteBuf rest = decoder.readInbound();
                String payload = rest == null ? "" : rest.toString(StandardCharsets.UTF_8);
                if (rest != null) {
                    rest.release();
                }
                decoder.finishAndReleaseAll();
                if (header == null) {
                    continue; // no header: no answer, and the test sees the missing header
                }
                headers.add(header);
                payloads.add(payload);
                byte[] answer = ("answer:" + payload).getBytes(StandardCharsets.UTF_8);
                service.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
            } catch (SocketException closed) {
                return;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
