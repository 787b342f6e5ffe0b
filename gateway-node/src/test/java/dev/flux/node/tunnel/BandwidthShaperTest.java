package dev.flux.node.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BandwidthShaperTest {

    static final long MS = 1_000_000L;
    static final int RATE = 1_000_000;
    static final int BURST = 65_536;

    final AtomicLong now = new AtomicLong();
    final List<EmbeddedChannel> channels = new ArrayList<>();

    EmbeddedChannel channel(TokenBucket in, TokenBucket out) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addFirst(BandwidthShaper.NAME, new BandwidthShaper(in, out, 64 * 1024, now::get));
        channels.add(ch);
        return ch;
    }

    void advance(long nanos) {
        now.addAndGet(nanos);
        for (EmbeddedChannel ch : channels) {
            ch.advanceTimeBy(nanos, TimeUnit.NANOSECONDS);
            ch.runScheduledPendingTasks();
        }
    }

    static ByteBuf bytes(int n, int marker) {
        ByteBuf b = Unpooled.buffer(n);
        b.writeZero(n);
        b.setByte(0, marker);
        return b;
    }

    /** Takes what the channel has written so far; returns the markers in order and releases the buffers. */
    static List<Integer> drain(EmbeddedChannel ch) {
        List<Integer> markers = new ArrayList<>();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            markers.add((int) b.getByte(0));
            b.release();
        }
        return markers;
    }

    @AfterEach
    void close() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void writesPastTheBurstWaitUntilTheirBytesArePaidForInOrder() {
        EmbeddedChannel ch = channel(new TokenBucket(RATE, BURST, 0), new TokenBucket(RATE, BURST, 0));
        for (int i = 1; i <= 10; i++) {
            ch.writeOutbound(bytes(100_000, i));
        }
        // the k-th write may go once k * 100,000 - 65,536 bytes are paid at 1 MB/s
        assertThat(drain(ch)).isEmpty();
        assertThat(ch.isWritable()).as("past 64 KiB queued").isFalse();
        advance(34 * MS);
        assertThat(drain(ch)).isEmpty();
        advance(1 * MS);
        assertThat(drain(ch)).containsExactly(1);
        advance(500 * MS - 35 * MS);
        assertThat(drain(ch)).containsExactly(2, 3, 4, 5);
        advance(435 * MS);
        assertThat(drain(ch)).containsExactly(6, 7, 8, 9, 10);
        assertThat(ch.isWritable()).isTrue();
    }

    @Test
    void writesWithinTheBurstGoAtOnce() {
        EmbeddedChannel ch = channel(new TokenBucket(RATE, BURST, 0), new TokenBucket(RATE, BURST, 0));
        ch.writeOutbound(bytes(30_000, 1), bytes(30_000, 2));
        assertThat(drain(ch)).containsExactly(1, 2);
        assertThat(ch.isWritable()).isTrue();
    }

    @Test
    void connectionsOfOneTunnelShareItsLimit() {
        TokenBucket in = new TokenBucket(RATE, BURST, 0);
        TokenBucket out = new TokenBucket(RATE, BURST, 0);
        EmbeddedChannel a = channel(in, out);
        EmbeddedChannel b = channel(in, out);
        a.writeOutbound(bytes(60_000, 1));
        // the burst is spent by the first connection: the second waits for its 54,464 bytes of debt
        b.writeOutbound(bytes(60_000, 2));
        assertThat(drain(a)).containsExactly(1);
        assertThat(drain(b)).isEmpty();
        advance(55 * MS);
        assertThat(drain(b)).containsExactly(2);
    }

    @Test
    void readsPastTheBurstStopReadingUntilPaidFor() {
        EmbeddedChannel ch = channel(new TokenBucket(RATE, BURST, 0), new TokenBucket(RATE, BURST, 0));
        ch.writeInbound(bytes(200_000, 1));
        assertThat((ByteBuf) ch.readInbound()).satisfies(ByteBuf::release);
        // 134,464 bytes of debt: reading stops for 135 ms
        assertThat(ch.config().isAutoRead()).isFalse();
        advance(134 * MS);
        assertThat(ch.config().isAutoRead()).isFalse();
        advance(1 * MS);
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void readsArrivingWhileSuspendedLengthenTheSuspension() {
        EmbeddedChannel ch = channel(new TokenBucket(RATE, BURST, 0), new TokenBucket(RATE, BURST, 0));
        ch.writeInbound(bytes(100_000, 1));
        // the rest of the same read loop
        ch.writeInbound(bytes(100_000, 2));
        ch.releaseInbound();
        // the first read alone would resume at 35 ms; both together leave 134,464 bytes of debt: 135 ms
        advance(35 * MS);
        assertThat(ch.config().isAutoRead()).as("the second read's bytes are not paid for yet").isFalse();
        advance(98 * MS);
        assertThat(ch.config().isAutoRead()).isFalse();
        advance(2 * MS);
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void closingFailsTheQueuedWritesAndReleasesThem() {
        EmbeddedChannel ch = channel(new TokenBucket(RATE, BURST, 0), new TokenBucket(RATE, BURST, 0));
        ch.writeOutbound(bytes(65_536, 1));
        ChannelFuture queued = ch.writeAndFlush(bytes(10_000, 2));
        assertThat(queued.isDone()).isFalse();
        ch.close();
        assertThat(queued.cause()).isInstanceOf(ClosedChannelException.class);
        assertThat(drain(ch)).containsExactly(1);
    }

    @Test
    void takenOffItWritesWhatWaitsInOrderAheadOfLaterWrites() {
        TokenBucket in = new TokenBucket(RATE, BURST, 0);
        EmbeddedChannel ch = channel(in, new TokenBucket(RATE, BURST, 0));
        ch.writeOutbound(bytes(65_536, 1), bytes(10_000, 2), bytes(10_000, 3));
        ch.writeInbound(bytes(200_000, 9));
        ch.releaseInbound();
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.pipeline().remove(BandwidthShaper.NAME);
        ch.writeOutbound(bytes(10_000, 4));
        assertThat(drain(ch)).containsExactly(1, 2, 3, 4);
        assertThat(ch.isWritable()).isTrue();
        assertThat(ch.config().isAutoRead()).isTrue();
    }
}
