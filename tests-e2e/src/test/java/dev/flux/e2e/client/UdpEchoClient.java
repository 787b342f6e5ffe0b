package dev.flux.e2e.client;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * A visitor of a UDP echo: sends numbered datagrams one at a time and waits for each to come back exactly as sent,
 * sending it again after a timeout (UDP may drop a datagram; a DNS client would ask again too).
 */
public final class UdpEchoClient {

    private static final int TIMEOUT_MILLIS = 1_000;
    private static final int ATTEMPTS = 5;

    /**
     * What one visitor saw.
     *
     * @param echoed datagrams that came back exactly as sent
     * @param resent datagrams sent again after a timeout
     * @param wrong datagrams that came back different from every one sent (merged, cut or damaged)
     */
    public record Result(int echoed, int resent, int wrong) {
    }

    private UdpEchoClient() {
    }

    /** Sends {@code count} datagrams of {@code size} bytes (at least 4) from a socket of its own. */
    public static Result roundTrips(InetSocketAddress target, int count, int size, long seed) throws IOException {
        int echoed = 0;
        int resent = 0;
        int wrong = 0;
        Random random = new Random(seed);
        byte[] back = new byte[65_536];
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            for (int i = 0; i < count; i++) {
                byte[] datagram = new byte[size];
                random.nextBytes(datagram);
                ByteBuffer.wrap(datagram).putInt(0, i);
                boolean done = false;
                for (int attempt = 0; attempt < ATTEMPTS && !done; attempt++) {
                    if (attempt > 0) {
                        resent++;
                    }
                    socket.send(new DatagramPacket(datagram, size, target));
                    try {
                        while (!done) {
                            DatagramPacket p = new DatagramPacket(back, back.length);
                            socket.receive(p);
                            byte[] got = Arrays.copyOf(back, p.getLength());
                            if (Arrays.equals(got, datagram)) {
                                done = true;
                            } else if (got.length != size || ByteBuffer.wrap(got).getInt(0) >= i) {
                                wrong++; // not a late echo of an earlier datagram
                            }
                        }
                    } catch (SocketTimeoutException e) {
                        // lost on the way there or back: send it again
                    }
                }
                if (done) {
                    echoed++;
                }
            }
        }
        return new Result(echoed, resent, wrong);
    }
}
