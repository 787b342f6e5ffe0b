package dev.flux.e2e.client;

import dev.flux.e2e.framework.BodyDigest;
import dev.flux.e2e.framework.RandomBytes;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/** Talks to an echo service: sends pseudo-random bytes while reading the echo, and compares digests. */
public final class TcpEchoClient {

    /** What went out and what came back on one connection. */
    public record Echo(BodyDigest sent, BodyDigest received) {
    }

    private TcpEchoClient() {
    }

    /**
     * Sends {@code new RandomBytes(seed, size)} on a new connection and, at the same time, reads {@code size} bytes
     * back (fewer if the connection ends first).
     */
    public static Echo roundTrip(InetSocketAddress address, long seed, long size) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(address, RawHttpClient.TIMEOUT_MILLIS);
            socket.setSoTimeout(RawHttpClient.TIMEOUT_MILLIS);
            FutureTask<BodyDigest> sending = new FutureTask<>(() -> {
                OutputStream out = socket.getOutputStream();
                BodyDigest sent = BodyDigest.copy(new RandomBytes(seed, size), out);
                out.flush();
                return sent;
            });
            Thread writer = new Thread(sending, "echo-writer-" + seed);
            writer.setDaemon(true);
            writer.start();
            BodyDigest received = BodyDigest.of(new HttpBodies.FixedLength(socket.getInputStream(), size));
            return new Echo(sending.get(RawHttpClient.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), received);
        }
    }
}
