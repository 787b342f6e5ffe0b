package dev.flux.e2e.framework;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** TCP ports on 127.0.0.1: finding free ones for a test's configuration, and waiting until one accepts. */
public final class Ports {

    private static final int ATTEMPTS = 100;
    /** A port is handed out at most once per JVM, so two fixtures never get the same one when the kernel reuses it. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {
    }

    /**
     * A port that was free a moment ago: the kernel picks one (bind to port 0) and we close it again. Someone else
     * may take it before it is bound again; in a test run on one machine that is rare enough.
     */
    public static int free() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a socket on 127.0.0.1 to find a free port", e);
            }
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("the kernel offered only ports handed out before, " + ATTEMPTS + " times");
    }

    /** Waits until 127.0.0.1:{@code port} accepts a connection (which is closed at once). */
    public static void awaitListening(int port, Duration timeout) {
        await("127.0.0.1:" + port + " to accept connections")
                .atMost(timeout)
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> accepts(port));
    }

    /** Whether 127.0.0.1:{@code port} accepts a connection now. */
    public static boolean isListening(int port) {
        return accepts(port);
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
