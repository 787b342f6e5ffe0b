package dev.flux.e2e.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A local TCP service that sends back every byte it receives, one thread per connection, on 127.0.0.1. */
public final class TcpEchoServer implements AutoCloseable {

    private final ServerSocket listener;
    private final ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("tcp-echo"));
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();

    private TcpEchoServer(ServerSocket listener) {
        this.listener = listener;
    }

    public static TcpEchoServer start() throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        TcpEchoServer server = new TcpEchoServer(listener);
        server.threads.execute(server::acceptLoop);
        return server;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted since the start. */
    public int accepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.add(socket);
                accepted.incrementAndGet();
                threads.execute(() -> echo(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void echo(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // the peer went away; nothing to echo to
        } finally {
            connections.remove(socket);
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : connections) {
            s.close();
        }
        threads.shutdownNow();
    }
}
