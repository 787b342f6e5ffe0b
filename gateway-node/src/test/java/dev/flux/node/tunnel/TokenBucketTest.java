package dev.flux.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void aFullBucketAllowsItsBurstThenTheRate() {
        TokenBucket b = new TokenBucket(1000, 1500, 0);
        assertThat(b.tryTake(1500, 0)).isTrue();
        assertThat(b.tryTake(1, 0)).isFalse();
        // half a second later: 500 bytes
        assertThat(b.tryTake(501, SECOND / 2)).isFalse();
        assertThat(b.tryTake(500, SECOND / 2)).isTrue();
        assertThat(b.tryTake(1, SECOND / 2)).isFalse();
    }

    @Test
    void theBucketNeverHoldsMoreThanItsCapacity() {
        TokenBucket b = new TokenBucket(1000, 1500, 0);
        assertThat(b.tryTake(1500, 0)).isTrue();
        assertThat(b.tryTake(1501, 100 * SECOND)).isFalse();
        assertThat(b.tryTake(1500, 100 * SECOND)).isTrue();
    }

    @Test
    void overTimeTheRateHolds() {
        TokenBucket b = new TokenBucket(2_000_000, 64 * 1024, 0);
        long sent = 0;
        // a sender offering a 1,200-byte datagram every 100 µs (12 MB/s) for 3 s
        for (long t = 0; t < 3 * SECOND; t += 100_000) {
            if (b.tryTake(1200, t)) {
                sent += 1200;
            }
        }
        assertThat(sent).isBetween(6_000_000L, 6_000_000L + 64 * 1024 + 1200);
    }

    @Test
    void aRefusedDatagramTakesNothing() {
        TokenBucket b = new TokenBucket(1000, 1000, 0);
        assertThat(b.tryTake(2000, 0)).isFalse();
        assertThat(b.tryTake(1000, 0)).isTrue();
    }

    @Test
    void aReservationBeyondTheTokensWaitsForItsDebtToBePaid() {
        TokenBucket b = new TokenBucket(1000, 500, 0);
        assertThat(b.reserve(500, 0)).isZero();
        // 250 bytes of debt at 1,000 bytes/s: a quarter of a second
        assertThat(b.reserve(250, 0)).isEqualTo(SECOND / 4);
        // the debt keeps growing with further reservations, and shrinks with time
        assertThat(b.reserve(250, 0)).isEqualTo(SECOND / 2);
        assertThat(b.reserve(0, SECOND / 2)).isZero();
        // a datagram is refused while the bucket is empty
        assertThat(b.tryTake(1, SECOND / 2)).isFalse();
    }

    @Test
    void reservationsHoldTheRateExactlyPastTheBurst() {
        TokenBucket b = new TokenBucket(2_000_000, 64 * 1024, 0);
        // a sender that sends 16 KiB each time its previous write was paid for, for 6 MiB
        long t = 0;
        for (int sent = 0; sent < 6 * 1024 * 1024; sent += 16 * 1024) {
            t += b.reserve(16 * 1024, t);
        }
        // (6 MiB - the burst) at 2,000,000 bytes/s
        assertThat(t).isBetween((6L * 1024 * 1024 - 64 * 1024) * SECOND / 2_000_000 - 1_000,
                (6L * 1024 * 1024 - 64 * 1024) * SECOND / 2_000_000 + 1_000);
    }

    @Test
    void badArgumentsAreNamed() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, 0)).hasMessage("rate: 0 (expected: > 0)");
        assertThatThrownBy(() -> new TokenBucket(1, 0, 0)).hasMessage("capacity: 0 (expected: > 0)");
    }
}
