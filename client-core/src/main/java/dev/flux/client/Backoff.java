package dev.flux.client;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: attempt n waits a random time between half and all of
 * {@code min(cap, base * 2^n)}, so that agents cut off together do not return together.
 */
final class Backoff {

    private final long baseMillis;
    private final long capMillis;
    private int attempt;

    Backoff(long baseMillis, long capMillis) {
        if (baseMillis <= 0 || capMillis < baseMillis) {
            throw new IllegalArgumentException("baseMillis: " + baseMillis + ", capMillis: " + capMillis
                    + " (expected: 0 < base <= cap)");
        }
        this.baseMillis = baseMillis;
        this.capMillis = capMillis;
    }

    /** The delay before the next attempt; each call doubles the ceiling up to the cap. */
    long nextDelayMillis() {
        long ceiling = Math.min(capMillis, baseMillis << Math.min(attempt, 30));
        attempt++;
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    void reset() {
        attempt = 0;
    }
}
