package dev.flux.protocol.stream;

import java.util.concurrent.atomic.LongAdder;

/** Bytes and connections through one tunnel; updated from many event loops, read by status displays. */
public final class TrafficCounter {

    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder totalConnections = new LongAdder();
    private final LongAdder openConnections = new LongAdder();

    /** Bytes from the public side toward the local service. */
    public void addIn(long bytes) {
        bytesIn.add(bytes);
    }

    /** Bytes from the local service toward the public side. */
    public void addOut(long bytes) {
        bytesOut.add(bytes);
    }

    public void connectionOpened() {
        totalConnections.increment();
        openConnections.increment();
    }

    public void connectionClosed() {
        openConnections.decrement();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    public long totalConnections() {
        return totalConnections.sum();
    }

    public long openConnections() {
        return openConnections.sum();
    }
}
