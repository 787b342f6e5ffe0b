package dev.flux.node.tunnel;

/**
 * A token bucket for datagrams: {@code rate} bytes per second, bursts up to {@code capacity} bytes. A datagram
 * that finds too few tokens is refused whole (a router drops it; nothing queues). Not thread-safe: a UDP tunnel
 * uses it on its event loop only.
 */
final class TokenBucket {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long rate;
    private final long capacity;
    private double tokens;
    private long last;

    /** A full bucket at time {@code now} (nanoseconds, any origin). */
    TokenBucket(long rate, long capacity, long now) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
        }
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.rate = rate;
        this.capacity = capacity;
        this.tokens = capacity;
        this.last = now;
    }

    /** Takes {@code bytes} tokens if there are enough at time {@code now}; false (and nothing taken) if not. */
    boolean tryTake(long bytes, long now) {
        if (now > last) {
            tokens = Math.min(capacity, tokens + (double) (now - last) * rate / NANOS_PER_SECOND);
            last = now;
        }
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
