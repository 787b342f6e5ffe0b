package dev.flux.e2e.service;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A TCP echo service and a client, as a program of its own: the NAT tests run them inside network namespaces,
 * where the test JVM cannot open sockets.
 *
 * <pre>
 * NetTool echo BIND_ADDR PORT          serves until killed; prints "echo listening on ADDR:PORT"
 * NetTool send HOST PORT BYTES SEED    sends BYTES random bytes, reads the echo, prints
 *                                      "sent N sha256 X received M sha256 Y" and exits
 * </pre>
 */
public final class NetTool {

    private NetTool() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("echo")) {
            echo(InetAddress.getByName(args[1]), Integer.parseInt(args[2]));
        } else if (args.length == 5 && args[0].equals("send")) {
            send(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]));
        } else {
            System.err.println("usage: NetTool echo BIND_ADDR PORT | NetTool send HOST PORT BYTES SEED");
            System.exit(2);
        }
    }

    private static void echo(InetAddress bind, int port) throws IOException {
        ExecutorService threads = Executors.newCachedThreadPool(DaemonThreads.named("echo"));
        try (ServerSocket server = new ServerSocket(port, 50, bind)) {
            System.out.println("echo listening on " + bind.getHostAddress() + ":" + server.getLocalPort());
            while (true) {
                Socket s = server.accept();
                threads.submit(() -> {
                    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                        s.shutdownOutput();
                    }
                    return null;
                });
            }
        }
    }

    private static void send(String host, int port, int bytes, long seed) throws Exception {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        ExecutorService writer = Executors.newSingleThreadExecutor(DaemonThreads.named("send"));
        try (Socket s = new Socket(host, port)) {
            s.setSoTimeout(60_000);
            Future<?> written = writer.submit(() -> {
                s.getOutputStream().write(data);
                s.shutdownOutput();
                return null;
            });
            byte[] back = s.getInputStream().readAllBytes();
            written.get();
            System.out.println("sent " + data.length + " sha256 " + sha256(data) + " received " + back.length
                    + " sha256 " + sha256(back));
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
