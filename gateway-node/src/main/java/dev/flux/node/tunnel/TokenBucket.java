package dev.flux.node.tunnel;

/**
 * A token bucket: {@code rate} bytes per second, bursts up to {@code capacity} bytes. It serves two kinds of
 * traffic. Datagrams {@link #tryTake take} tokens or are refused whole (a router drops them; nothing queues).
 * Streams {@link #reserve reserve} what they send and may run the bucket into debt; the answer is how long the
 * sender waits until that debt is paid, so that over any stretch longer than the burst the bytes let through never
 * exceed the rate. Thread-safe: one bucket is shared by every connection of a tunnel, whatever event loop each runs
 * on.
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
    synchronized boolean tryTake(long bytes, long now) {
        refill(now);
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }

    /**
     * Takes {@code bytes} tokens at time {@code now}, going into debt if there are too few, and answers how many
     * nanoseconds from {@code now} the bytes may go: 0 while the bucket covers them, else the time the rate needs to
     * pay the whole debt.
     */
    synchronized long reserve(long bytes, long now) {
        refill(now);
        tokens -= bytes;
        return tokens >= 0 ? 0 : (long) Math.ceil(-tokens * NANOS_PER_SECOND / rate);
    }

    private void refill(long now) {
        if (now > last) {
            tokens = Math.min(capacity, tokens + (double) (now - last) * rate / NANOS_PER_SECOND);
            last = now;
        }
    }
}
