package dev.flux.e2e.service;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A local UDP service that sends every datagram back to its sender, on 127.0.0.1; it remembers who sent. */
public final class UdpEchoServer implements AutoCloseable {

    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;

    private final DatagramSocket socket;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(DaemonThreads.named("udp-echo"));
    private final Set<SocketAddress> senders = ConcurrentHashMap.newKeySet();

    private UdpEchoServer(DatagramSocket socket) {
        this.socket = socket;
    }

    public static UdpEchoServer start() throws SocketException {
        DatagramSocket socket = new DatagramSocket(null);
        socket.setReceiveBufferSize(SOCKET_BUFFER);
        socket.setSendBufferSize(SOCKET_BUFFER);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        UdpEchoServer server = new UdpEchoServer(socket);
        server.thread.execute(server::echoLoop);
        return server;
    }

    public int port() {
        return socket.getLocalPort();
    }

    /** The source addresses seen so far: through a tunnel, one per visitor session. */
    public Set<SocketAddress> senders() {
        return Set.copyOf(senders);
    }

    private void echoLoop() {
        byte[] buffer = new byte[65_536];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!socket.isClosed()) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
                senders.add(packet.getSocketAddress());
                socket.send(packet);
            } catch (IOException e) {
                if (socket.isClosed()) {
                    return;
                }
                // one failed datagram (e.g. its sender went away) does not stop the service
            }
        }
    }

    @Override
    public void close() {
        socket.close();
        thread.shutdownNow();
    }
}
