package dev.flux.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/**
 * Reads one HTTP/1.1 exchange off the bytes of a connection the agent made itself (a replay from the inspector),
 * with the same scanner and capture as relayed traffic. Not thread-safe.
 */
public final class HttpExchangeReader {

    private final HttpExchangeObserver observer;
    private HttpExchange exchange;

    /** @param maxBodyBytes how much of each body to keep */
    public HttpExchangeReader(String tunnel, int maxBodyBytes) {
        this.observer = new HttpExchangeObserver(tunnel, new HttpExchangeListener() {
            @Override
            public void exchanged(HttpExchange e) {
                if (exchange == null) {
                    exchange = e;
                }
            }

            @Override
            public int maxBodyBytes() {
                return maxBodyBytes;
            }
        });
    }

    public void request(byte[] bytes, int offset, int length) {
        observer.requestBytes(wrap(bytes, offset, length));
    }

    public void response(byte[] bytes, int offset, int length) {
        observer.responseBytes(wrap(bytes, offset, length));
    }

    /** The first exchange, complete once its response ended; null until then. */
    public HttpExchange exchange() {
        return exchange;
    }

    /** The connection closed: ends a body that ran until the close; returns the exchange, or null if none began. */
    public HttpExchange finish() {
        observer.connectionClosed();
        return exchange;
    }

    /**
     * Sends {@code request} (a whole HTTP/1.1 request) on {@code socket} and reads until its response ended, the
     * socket closed or {@code maxResponseBytes} were read.
     *
     * @return the exchange, or null when the connection closed before a response began
     * @throws IOException when writing fails, or reading fails (or times out) before the response was complete
     */
    public HttpExchange exchange(Socket socket, byte[] request, long maxResponseBytes) throws IOException {
        request(request, 0, request.length);
        socket.getOutputStream().write(request);
        socket.getOutputStream().flush();
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[16 * 1024];
        long total = 0;
        int r;
        try {
            while (exchange == null && total < maxResponseBytes && (r = in.read(buf)) > 0) {
                total += r;
                response(buf, 0, r);
            }
        } catch (IOException e) {
            if (exchange == null) {
                throw e;
            }
        }
        return finish();
    }

    private static ByteBuf wrap(byte[] bytes, int offset, int length) {
        return Unpooled.wrappedBuffer(bytes, offset, length); // heap, not pooled: nothing to release
    }
}
