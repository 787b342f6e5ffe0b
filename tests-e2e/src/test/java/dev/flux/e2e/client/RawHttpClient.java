package dev.flux.e2e.client;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * HTTP/1.1 over a plain socket to 127.0.0.1, for the node's vhost port: unlike {@code java.net.http}, it sends
 * whatever {@code Host} header the request names, and it streams bodies of any size both ways.
 */
public final class RawHttpClient {

    /** Bounds every connect and every read; a stalled tunnel fails the test instead of hanging it. */
    static final int TIMEOUT_MILLIS = 30_000;

    private final int port;

    public RawHttpClient(int port) {
        this.port = port;
    }

    /**
     * Sends the request (its whole body first) and reads the response head. The caller reads the body and closes
     * the response.
     */
    public RawHttpResponse send(RawHttpRequest request) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MILLIS);
            socket.setSoTimeout(TIMEOUT_MILLIS);
            request.writeTo(new BufferedOutputStream(socket.getOutputStream(), 64 * 1024));
            return RawHttpResponse.read(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }
}
