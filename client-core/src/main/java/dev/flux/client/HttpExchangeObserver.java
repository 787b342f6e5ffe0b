package dev.flux.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reports the HTTP/1.1 exchanges of one relayed connection of an http tunnel: requests are read off the stream
 * (visitor → local service), responses off the local socket, and paired in order, as keep-alive and pipelining
 * require. Bytes are only looked at, never copied or delayed. Both channels run on one event loop, so this class
 * needs no locking.
 */
final class HttpExchangeObserver {

    /** Requests awaiting their response that are remembered; beyond it the connection is no longer observed. */
    static final int MAX_PENDING = 256;

    private final String tunnel;
    private final HttpExchangeListener listener;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final HttpMessageScanner requests;
    private final HttpMessageScanner responses;
    private final int maxBodyBytes;
    private boolean interimResponse;
    private boolean finished;
    /** The request whose body the request scanner reads now (content capture only). */
    private Pending reading;
    private List<HttpHeader> requestFields = List.of();
    private List<HttpHeader> responseFields = List.of();

    private static final class Pending {
        final String method;
        final String path;
        final long startNanos = System.nanoTime();
        final long startedAtMillis = System.currentTimeMillis();
        int status;
        BodyCapture request;
        BodyCapture response;

        Pending(String method, String path) {
            this.method = method;
            this.path = path;
        }
    }

    /** Keeps the first {@code max} bytes of a body and counts the rest. */
    private static final class BodyCapture {
        final List<HttpHeader> headers;
        final int max;
        byte[] bytes = new byte[0];
        int kept;
        long size;

        BodyCapture(List<HttpHeader> headers, int max) {
            this.headers = headers;
            this.max = max;
        }

        void add(ByteBuf buf, int index, int length) {
            size += length;
            int n = Math.min(length, max - kept);
            if (n <= 0) {
                return;
            }
            if (kept + n > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(max, Math.max(kept + n, bytes.length * 2)));
            }
            buf.getBytes(index, bytes, kept, n);
            kept += n;
        }

        HttpMessageCapture done() {
            return new HttpMessageCapture(headers, Arrays.copyOf(bytes, kept), size, kept < size);
        }
    }

    HttpExchangeObserver(String tunnel, HttpExchangeListener listener) {
        this.tunnel = tunnel;
        this.listener = listener;
        this.maxBodyBytes = listener.maxBodyBytes();
        this.requests = new HttpMessageScanner(new RequestSink());
        this.responses = new HttpMessageScanner(new ResponseSink());
    }

    /**
     * Watches the bytes passing between {@code stream} and {@code local}; call before the relay is set up so that
     * the watching handlers come before it.
     */
    static HttpExchangeObserver attach(String tunnel, Channel stream, Channel local, HttpExchangeListener listener) {
        HttpExchangeObserver observer = new HttpExchangeObserver(tunnel, listener);
        stream.pipeline().addLast("http-observer", new Tap(observer.requests));
        local.pipeline().addLast("http-observer", new Tap(observer.responses));
        stream.closeFuture().addListener(f -> stream.eventLoop().execute(observer::connectionClosed));
        local.closeFuture().addListener(f -> stream.eventLoop().execute(observer::connectionClosed));
        return observer;
    }

    /** Request bytes the relay did not carry through the tap (those that arrived before it was set up). */
    void requestBytes(ByteBuf buf) {
        requests.scan(buf);
    }

    void responseBytes(ByteBuf buf) {
        responses.scan(buf);
    }

    /** Either side closed: a body that ran until the close ends now; requests left unanswered get status 0. */
    void connectionClosed() {
        if (finished) {
            return;
        }
        finished = true;
        responses.closed();
        Pending p;
        while ((p = pending.poll()) != null) {
            report(p);
        }
    }

    private void report(Pending p) {
        long millis = (System.nanoTime() - p.startNanos) / 1_000_000;
        listener.exchanged(new HttpExchange(tunnel, p.method, p.path, p.status, millis, p.startedAtMillis,
                p.request == null ? null : p.request.done(), p.response == null ? null : p.response.done()));
    }

    private final class RequestSink implements HttpMessageScanner.Sink {
        @Override
        public long head(String startLine, Map<String, String> headers) {
            String[] parts = startLine.split(" ", 3);
            if (parts.length < 3 || !parts[2].startsWith("HTTP/")) {
                return HttpMessageScanner.RAW;
            }
            if (pending.size() >= MAX_PENDING) {
                return HttpMessageScanner.RAW; // a visitor pipelining without end: stop looking, keep relaying
            }
            Pending p = new Pending(parts[0], parts[1]);
            if (maxBodyBytes >= 0) {
                p.request = new BodyCapture(requestFields, maxBodyBytes);
                reading = p;
            }
            pending.add(p);
            return HttpMessageScanner.bodyLength(headers, 0);
        }

        @Override
        public void end() {
            reading = null;
        }

        @Override
        public boolean wantsContent() {
            return maxBodyBytes >= 0;
        }

        @Override
        public void fields(List<HttpHeader> fields) {
            requestFields = fields;
        }

        @Override
        public void body(ByteBuf buf, int index, int length) {
            if (reading != null) {
                reading.request.add(buf, index, length);
            }
        }
    }

    private final class ResponseSink implements HttpMessageScanner.Sink {
        @Override
        public long head(String startLine, Map<String, String> headers) {
            String[] parts = startLine.split(" ", 3);
            int status;
            try {
                status = parts.length >= 2 && parts[0].startsWith("HTTP/") ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                status = -1;
            }
            Pending p = pending.peek();
            if (status < 100 || p == null) {
                return HttpMessageScanner.RAW;
            }
            interimResponse = status < 200 && status != 101;
            if (interimResponse) {
                return 0;
            }
            p.status = status;
            if (maxBodyBytes >= 0) {
                p.response = new BodyCapture(responseFields, maxBodyBytes);
            }
            if (status == 101) {
                requests.stop(); // both directions carry another protocol from here on
                pending.poll();
                report(p);
                return HttpMessageScanner.RAW;
            }
            if ("HEAD".equals(p.method) || status == 204 || status == 304) {
                return 0;
            }
            return HttpMessageScanner.bodyLength(headers, HttpMessageScanner.UNTIL_CLOSE);
        }

        @Override
        public void end() {
            if (interimResponse) {
                interimResponse = false;
                return;
            }
            Pending p = pending.poll();
            if (p != null) {
                report(p);
            }
        }

        @Override
        public boolean wantsContent() {
            return maxBodyBytes >= 0;
        }

        @Override
        public void fields(List<HttpHeader> fields) {
            responseFields = fields;
        }

        @Override
        public void body(ByteBuf buf, int index, int length) {
            Pending p = pending.peek();
            if (p != null && p.response != null && !interimResponse) {
                p.response.add(buf, index, length);
            }
        }
    }

    /** Passes every message on untouched after letting the scanner look at it. */
    private static final class Tap extends ChannelInboundHandlerAdapter {
        private final HttpMessageScanner scanner;

        Tap(HttpMessageScanner scanner) {
            this.scanner = scanner;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                scanner.scan(b);
            }
            ctx.fireChannelRead(msg);
        }
    }
}
