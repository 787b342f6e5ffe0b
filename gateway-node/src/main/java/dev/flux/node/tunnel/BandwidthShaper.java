package dev.flux.node.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Holds one public connection to its tunnel's bandwidth limit: first in the connection's pipeline, it charges every
 * byte read and written to the tunnel's two {@link TokenBucket}s, which all the tunnel's connections share.
 *
 * <p>Reads: a read that runs the "in" bucket into debt is passed on, and the connection stops reading (auto-read
 * off, read requests held) until the debt is paid. Writes: a write that finds the "out" bucket in debt waits in
 * order, in a queue, until its bytes are paid for; past {@code maxQueued} queued bytes the connection reports itself
 * unwritable, which makes the relay stop reading the agent's stream, and HTTP/2 flow control then holds the agent.
 * So nothing grows without bound and the limit holds to the byte over any stretch longer than the burst.
 *
 * <p>When the debt is paid the shaper turns auto-read back on even if another handler turned it off meanwhile, as
 * Netty's own shapers do; the relay turns it off again after at most one read if its peer is still unwritable.
 */
final class BandwidthShaper extends ChannelDuplexHandler {

    static final String NAME = "bandwidth";
    /** Waits shorter than this are not worth a timer; the debt they leave is paid by the next wait. */
    private static final long MIN_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The channel's user-defined writability bit this shaper sets (Netty's shapers use 1 to 3; one per pipeline). */
    private static final int WRITABILITY_INDEX = 1;

    private final TokenBucket in;
    private final TokenBucket out;
    private final long maxQueued;
    private final LongSupplier clock;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private ScheduledFuture<?> releaseTimer;
    private boolean readSuspended;
    private boolean readRequested;
    private boolean removed;

    private record Pending(Object msg, ChannelPromise promise, long bytes, long due) {
    }

    /** A shaper on the system's clock. */
    BandwidthShaper(TokenBucket in, TokenBucket out, long maxQueued) {
        this(in, out, maxQueued, System::nanoTime);
    }

    /** A shaper reading the time in nanoseconds from {@code clock}, the buckets' time base. */
    BandwidthShaper(TokenBucket in, TokenBucket out, long maxQueued, LongSupplier clock) {
        this.in = in;
        this.out = out;
        this.maxQueued = maxQueued;
        this.clock = clock;
    }

    /** Whether this shaper charges these buckets (the connection stays with the same tunnel). */
    boolean uses(TokenBucket in, TokenBucket out) {
        return this.in == in && this.out == out;
    }

    static long bytes(Object msg) {
        if (msg instanceof ByteBuf b) {
            return b.readableBytes();
        }
        return msg instanceof ByteBufHolder h ? h.content().readableBytes() : 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        long n = bytes(msg);
        if (n > 0) {
            long wait = in.reserve(n, clock.getAsLong());
            if (wait >= MIN_WAIT_NANOS && !readSuspended) {
                readSuspended = true;
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(() -> resumeReading(ctx), wait, TimeUnit.NANOSECONDS);
            }
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        if (readSuspended) {
            readRequested = true;
            return;
        }
        ctx.read();
    }

    private void resumeReading(ChannelHandlerContext ctx) {
        if (removed || !ctx.channel().isActive()) {
            return;
        }
        // reads that arrived after the suspension (the rest of that read loop) added to the debt
        long wait = in.reserve(0, clock.getAsLong());
        if (wait >= MIN_WAIT_NANOS) {
            ctx.executor().schedule(() -> resumeReading(ctx), wait, TimeUnit.NANOSECONDS);
            return;
        }
        readSuspended = false;
        boolean requested = readRequested;
        readRequested = false;
        if (!ctx.channel().config().isAutoRead()) {
            ctx.channel().config().setAutoRead(true);
        } else if (requested) {
            ctx.read();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        long n = bytes(msg);
        long now = clock.getAsLong();
        long wait = n == 0 ? 0 : out.reserve(n, now);
        if (queue.isEmpty() && wait < MIN_WAIT_NANOS) {
            ctx.write(msg, promise);
            return;
        }
        queue.add(new Pending(msg, promise, n, now + wait));
        queuedBytes += n;
        if (queuedBytes > maxQueued) {
            setWritable(ctx, false);
        }
        if (releaseTimer == null) {
            releaseTimer = ctx.executor().schedule(() -> release(ctx), wait, TimeUnit.NANOSECONDS);
        }
    }

    /** Writes and flushes the queued writes whose bytes are paid for, in order, and waits for the next one. */
    private void release(ChannelHandlerContext ctx) {
        releaseTimer = null;
        if (removed) {
            return;
        }
        long now = clock.getAsLong();
        boolean wrote = false;
        while (!queue.isEmpty() && queue.peek().due() - now < MIN_WAIT_NANOS) {
            Pending p = queue.poll();
            queuedBytes -= p.bytes();
            ctx.write(p.msg(), p.promise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        if (queuedBytes <= maxQueued / 2) {
            setWritable(ctx, true);
        }
        if (!queue.isEmpty()) {
            releaseTimer = ctx.executor().schedule(() -> release(ctx), queue.peek().due() - now,
                    TimeUnit.NANOSECONDS);
        }
    }

    private static void setWritable(ChannelHandlerContext ctx, boolean writable) {
        ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
        if (buffer != null) {
            buffer.setUserDefinedWritability(WRITABILITY_INDEX, writable);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        discardQueue(new ClosedChannelException());
        super.channelInactive(ctx);
    }

    /**
     * Taken off (the connection moved to a tunnel with another limit, or none): what waits is written now, in order,
     * ahead of anything written later, and reading resumes.
     */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        removed = true;
        if (releaseTimer != null) {
            releaseTimer.cancel(false);
            releaseTimer = null;
        }
        boolean wrote = false;
        while (!queue.isEmpty()) {
            Pending p = queue.poll();
            if (ctx.channel().isActive()) {
                ctx.write(p.msg(), p.promise());
                wrote = true;
            } else {
                discard(p, new ClosedChannelException());
            }
        }
        queuedBytes = 0;
        if (wrote) {
            ctx.flush();
        }
        setWritable(ctx, true);
        if (readSuspended && ctx.channel().isActive()) {
            readSuspended = false;
            if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            } else if (readRequested) {
                ctx.read();
            }
        }
    }

    private void discardQueue(Throwable cause) {
        while (!queue.isEmpty()) {
            discard(queue.poll(), cause);
        }
        queuedBytes = 0;
    }

    private static void discard(Pending p, Throwable cause) {
        ReferenceCountUtil.release(p.msg());
        if (!p.promise().isVoid()) {
            p.promise().tryFailure(cause);
        }
    }
}
