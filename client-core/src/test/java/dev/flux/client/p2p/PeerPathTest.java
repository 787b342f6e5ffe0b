package dev.flux.client.p2p;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.control.PeerConnect;
import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The decisions of {@link PeerPath} that need no network and no native QUIC library. */
class PeerPathTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final EventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void withoutTheNativeQuicLibraryEveryConnectionRelaysAtOnceAndTheNodeIsNeverAsked() throws Exception {
        PeerSessions sessions = new PeerSessions(loop, name -> null);
        List<ControlMessage> toNode = new ArrayList<>();
        List<Channel> handed = new ArrayList<>();
        int[] calls = new int[1];
        loop.submit(() -> {
            sessions.control(toNode::add, new InetSocketAddress(LOOPBACK, 40000),
                    new InetSocketAddress(LOOPBACK, 7000));
            PeerPath path = new PeerPath(sessions, loop, "v", "echo", null, "secret",
                    "the native QUIC library is not available for Mac OS X/aarch64");
            assertThat(path.relayOnly()).isTrue();
            for (int i = 0; i < 3; i++) {
                path.stream(stream -> {
                    calls[0]++;
                    handed.add(stream);
                });
            }
            assertThat(path.connected()).isFalse();
        }).get(5, TimeUnit.SECONDS);

        assertThat(calls[0]).as("every connection was answered at once").isEqualTo(3);
        assertThat(handed).as("null: relay through the node").containsOnlyNulls();
        assertThat(toNode).as("no peer-to-peer session was asked of the node").isEmpty();

        // where QUIC is there, the same first connection does ask the node for a session
        loop.submit(() -> new PeerPath(sessions, loop, "v", "echo", null, "secret", null).stream(s -> { }))
                .get(5, TimeUnit.SECONDS);
        assertThat(toNode).singleElement().isInstanceOf(PeerConnect.class);
    }

    @Test
    void onThisLinuxX8664BuildTheNativeLibraryLoads() {
        // the decision above is taken from this check; it must say yes where the library is shipped
        boolean linuxX8664 = System.getProperty("os.name").toLowerCase().contains("linux")
                && System.getProperty("os.arch").matches("amd64|x86_64");
        if (linuxX8664) {
            assertThat(QuicSetup.unavailableReason()).isNull();
        } else {
            assertThat(QuicSetup.unavailableReason()).contains("linux-x86_64");
        }
    }
}
