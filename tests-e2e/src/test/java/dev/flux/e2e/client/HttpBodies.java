package dev.flux.e2e.client;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading HTTP/1.1 framing: lines, and bodies delimited by Content-Length, chunked encoding or end of stream. */
final class HttpBodies {

    private static final int MAX_LINE = 64 * 1024;

    private HttpBodies() {
    }

    /** A line without its CRLF (or bare LF), or null at the end of the stream. */
    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
            if (line.size() > MAX_LINE) {
                throw new IOException("line longer than " + MAX_LINE + " bytes");
            }
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** The body that follows a head with these (lower-case) headers. */
    static InputStream delimited(InputStream in, Map<String, List<String>> headers) {
        List<String> te = headers.get("transfer-encoding");
        if (te != null && te.stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))) {
            return new Chunked(in);
        }
        List<String> cl = headers.get("content-length");
        if (cl != null) {
            return new FixedLength(in, Long.parseLong(cl.get(0)));
        }
        return in;
    }

    /** Exactly {@code length} bytes of {@code in}, then end of stream; the end of {@code in} before that is too. */
    static final class FixedLength extends FilterInputStream {
        private long remaining;

        FixedLength(InputStream in, long length) {
            super(in);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (remaining == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n > 0) {
                remaining -= n;
            }
            return n;
        }
    }

    /** Decodes {@code Transfer-Encoding: chunked}; ends after the last chunk and the trailers. */
    static final class Chunked extends FilterInputStream {
        private long chunkRemaining;
        private boolean done;

        Chunked(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkRemaining == 0 && !nextChunk()) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, chunkRemaining));
            if (n < 0) {
                throw new IOException("connection closed in the middle of a chunk");
            }
            chunkRemaining -= n;
            if (chunkRemaining == 0 && !"".equals(readLine(in))) {
                throw new IOException("chunk not followed by CRLF");
            }
            return n;
        }

        private boolean nextChunk() throws IOException {
            String sizeLine = readLine(in);
            if (sizeLine == null) {
                throw new IOException("connection closed before the last chunk");
            }
            int ext = sizeLine.indexOf(';');
            chunkRemaining = Long.parseLong((ext < 0 ? sizeLine : sizeLine.substring(0, ext)).trim(), 16);
            if (chunkRemaining == 0) {
                String trailer; // trailers carry nothing the tests look at
                do {
                    trailer = readLine(in);
                } while (trailer != null && !trailer.isEmpty());
                done = true;
                return false;
            }
            return true;
        }
    }
}
