package dev.flux.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/** Hands what is written to it on, one complete line (with its '\n') at a time. Not thread-safe on its own. */
final class LineOutputStream extends OutputStream {

    private final Consumer<byte[]> lines;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    LineOutputStream(Consumer<byte[]> lines) {
        this.lines = lines;
    }

    @Override
    public void write(int b) {
        pending.write(b);
        if (b == '\n') {
            lines.accept(pending.toByteArray());
            pending.reset();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    /** Hands on an unfinished last line too. */
    @Override
    public void close() {
        if (pending.size() > 0) {
            lines.accept(pending.toByteArray());
            pending.reset();
        }
    }
}
