package dev.flux.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.node.tunnel.TunnelRegistry;
import dev.flux.protocol.net.Transports;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A visitor that connects and never finishes a request head is answered 408 and closed. */
class FirstRequestTimeoutTest {

    EventLoopGroup group;
    HttpServer server;
    InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        group = Transports.newGroup(1, "test");
        server = new HttpServer(new TunnelRegistry(), group, group,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), 300);
        address = server.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aTricklingClientIsClosedWith408() throws Exception {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: slow.example".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 408 ").contains("No complete request arrived within 300 ms");
        }
    }

    @Test
    void aPromptRequestIsNotCutOff() throws Exception {
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: nobody.example\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(response).startsWith("HTTP/1.1 404 ");
        }
    }
}
