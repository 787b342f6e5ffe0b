package dev.flux.client;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Follows the HTTP/1.1 messages in one direction of a connection without consuming, changing or holding its bytes:
 * it finds each message's head and where its body ends (a {@code Content-Length}, chunked coding, or the end of the
 * connection). Only heads are copied, and only up to {@value #MAX_LINE} characters a line; anything it cannot
 * follow (an oversized line, a bad chunk size) makes it stop looking, never fail the connection.
 */
final class HttpMessageScanner {

    /** {@link Sink#head} results besides a byte count. */
    static final long CHUNKED = -1;
    static final long UNTIL_CLOSE = -2;
    /** The rest of the connection is not HTTP (an upgrade, or a message this scanner cannot follow). */
    static final long RAW = -3;

    static final int MAX_LINE = 16 * 1024;

    /** What a direction of the exchange does with the messages found. */
    interface Sink {
        /**
         * A message head arrived.
         *
         * @param headers lower-case names; a repeated header keeps its last value
         * @return the body's length in bytes, {@link #CHUNKED}, {@link #UNTIL_CLOSE} or {@link #RAW}
         */
        long head(String startLine, Map<String, String> headers);

        /** The message whose head came last ended. */
        void end();

        /**
         * The header fields of the head about to be reported to {@link #head}, in order and as written; called
         * only when {@link #wantsContent()}.
         */
        default void fields(List<HttpHeader> fields) {
        }

        /**
         * Body bytes of the current message, chunked coding removed: {@code length} bytes of {@code buf} from
         * {@code index}, to be copied if kept (the buffer is not retained); called only when {@link #wantsContent()}.
         */
        default void body(ByteBuf buf, int index, int length) {
        }

        /** Whether header fields and body bytes are reported too; otherwise only heads and ends are. */
        default boolean wantsContent() {
            return false;
        }
    }

    private enum State { HEAD, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER, UNTIL_CLOSE, RAW }

    private final Sink sink;
    private final StringBuilder line = new StringBuilder();
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final List<HttpHeader> fields = new ArrayList<>();
    private final boolean content;
    private String startLine;
    private State state = State.HEAD;
    private long remaining;

    HttpMessageScanner(Sink sink) {
        this.sink = sink;
        this.content = sink.wantsContent();
    }

    /** Looks at the readable bytes of {@code buf}; its indexes and reference count are left alone. */
    void scan(ByteBuf buf) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        while (i < end && state != State.RAW && state != State.UNTIL_CLOSE) {
            switch (state) {
                case FIXED_BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(remaining, end - i);
                    if (content) {
                        sink.body(buf, i, n);
                    }
                    i += n;
                    remaining -= n;
                    if (remaining == 0) {
                        if (state == State.FIXED_BODY) {
                            messageEnded();
                        } else {
                            state = State.CHUNK_DATA_END;
                        }
                    }
                }
                default -> {
                    byte b = buf.getByte(i++);
                    if (b != '\n') {
                        if (line.length() >= MAX_LINE) {
                            state = State.RAW;
                        } else {
                            line.append((char) (b & 0xff));
                        }
                        continue;
                    }
                    int len = line.length();
                    if (len > 0 && line.charAt(len - 1) == '\r') {
                        line.setLength(len - 1);
                    }
                    String text = line.toString();
                    line.setLength(0);
                    lineEnded(text);
                }
            }
        }
        if (content && state == State.UNTIL_CLOSE && i < end) {
            sink.body(buf, i, end - i);
        }
    }

    /** The connection's direction ended: a body that runs until the close is complete now. */
    void closed() {
        if (state == State.UNTIL_CLOSE) {
            state = State.RAW;
            sink.end();
        }
    }

    /** Stops following: the rest is not HTTP (after a 101 Switching Protocols). */
    void stop() {
        state = State.RAW;
    }

    private void lineEnded(String text) {
        switch (state) {
            case HEAD -> headLine(text);
            case CHUNK_SIZE -> {
                int semicolon = text.indexOf(';');
                String hex = (semicolon < 0 ? text : text.substring(0, semicolon)).trim();
                try {
                    remaining = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    state = State.RAW;
                    return;
                }
                state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
            }
            case CHUNK_DATA_END -> state = State.CHUNK_SIZE;
            case TRAILER -> {
                if (text.isEmpty()) {
                    messageEnded();
                }
            }
            default -> throw new IllegalStateException("no line expected in state " + state);
        }
    }

    private void headLine(String text) {
        if (startLine == null) {
            if (!text.isEmpty()) { // a stray empty line between messages is tolerated, as RFC 9112 asks
                startLine = text;
            }
            return;
        }
        if (!text.isEmpty()) {
            int colon = text.indexOf(':');
            if (colon > 0) {
                headers.put(text.substring(0, colon).trim().toLowerCase(Locale.ROOT), text.substring(colon + 1).trim());
                if (content) {
                    fields.add(new HttpHeader(text.substring(0, colon).trim(), text.substring(colon + 1).trim()));
                }
            }
            return;
        }
        if (content) {
            sink.fields(List.copyOf(fields));
            fields.clear();
        }
        long body = sink.head(startLine, Map.copyOf(headers));
        startLine = null;
        headers.clear();
        if (body == RAW) {
            state = State.RAW;
        } else if (body == UNTIL_CLOSE) {
            state = State.UNTIL_CLOSE;
        } else if (body == CHUNKED) {
            state = State.CHUNK_SIZE;
        } else if (body > 0) {
            remaining = body;
            state = State.FIXED_BODY;
        } else {
            messageEnded();
        }
    }

    private void messageEnded() {
        state = State.HEAD;
        sink.end();
    }

    /**
     * The body length a message's headers announce: chunked coding wins over a {@code Content-Length}; neither is
     * {@code otherwise}; a malformed length is {@link #RAW}.
     */
    static long bodyLength(Map<String, String> headers, long otherwise) {
        String te = headers.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return CHUNKED;
        }
        String cl = headers.get("content-length");
        if (cl == null) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(cl.trim());
            return n < 0 ? RAW : n;
        } catch (NumberFormatException e) {
            return RAW;
        }
    }
}
