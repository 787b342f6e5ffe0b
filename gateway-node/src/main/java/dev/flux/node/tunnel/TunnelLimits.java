package dev.flux.node.tunnel;

import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.net.AddressRules;
import io.netty.channel.Channel;
import io.netty.handler.traffic.GlobalTrafficShapingHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tunnel's policy as the node enforces it: the parsed IP rules and one traffic shaper shared by every public
 * connection of the tunnel, so that the bandwidth limit holds for the tunnel as a whole.
 *
 * <p>The shaper ({@link GlobalTrafficShapingHandler}) applies backpressure rather than buffering: past the read
 * limit it stops reading the visitor's socket for as long as the budget needs, and writes toward the visitor that
 * wait for budget make the channel unwritable once {@link #MAX_QUEUED_BYTES} are queued, which stops the relay from
 * reading the agent's stream, and HTTP/2 flow control then holds the agent.
 */
final class TunnelLimits {

    private static final Logger log = LoggerFactory.getLogger(TunnelLimits.class);
    /**
     * How often the shaper measures. Netty's shaper lets about one extra write through per interval, so a short
     * interval overshoots the limit (at 100 ms, 2 MiB/s came out 12-15 % fast); at 1 s the excess is a few percent.
     */
    static final long CHECK_INTERVAL_MILLIS = 1000;
    /** Bytes queued toward a visitor before the channel reports itself unwritable. */
    static final long MAX_QUEUED_BYTES = 64 * 1024;

    static final TunnelLimits NONE = new TunnelLimits(TunnelPolicy.NONE, AddressRules.ADMIT_ALL, null);

    private final TunnelPolicy policy;
    private final AddressRules rules;
    private final GlobalTrafficShapingHandler shaper;
    private final LongAdder refused = new LongAdder();
    /** UDP: the budgets of datagrams toward the agent and toward visitors; null without a bandwidth limit. */
    private TokenBucket datagramsIn;
    private TokenBucket datagramsOut;

    private TunnelLimits(TunnelPolicy policy, AddressRules rules, GlobalTrafficShapingHandler shaper) {
        this.policy = policy;
        this.rules = rules;
        this.shaper = shaper;
    }

    /**
     * The limits of a policy.
     *
     * @param executor runs the shaper's measurements (the agent connection's event loop)
     * @throws TunnelRejectedException naming an IP rule that is not an address or CIDR block
     */
    static TunnelLimits of(TunnelPolicy policy, ScheduledExecutorService executor) throws TunnelRejectedException {
        if (policy.equals(TunnelPolicy.NONE)) {
            return NONE;
        }
        AddressRules rules;
        try {
            rules = AddressRules.of(policy.allowIps(), policy.denyIps());
        } catch (IllegalArgumentException e) {
            throw new TunnelRejectedException("allowIps/denyIps: " + e.getMessage(), false);
        }
        GlobalTrafficShapingHandler shaper = null;
        long limit = policy.bandwidthLimit();
        if (limit > 0) {
            shaper = new GlobalTrafficShapingHandler(executor, limit, limit, CHECK_INTERVAL_MILLIS);
            shaper.setMaxGlobalWriteSize(Math.max(MAX_QUEUED_BYTES * 16, limit));
            shaper.setMaxWriteSize(MAX_QUEUED_BYTES);
        }
        return new TunnelLimits(policy, rules, shaper);
    }

    /** The lower of two limits where 0 means none. */
    static int lowerLimit(int a, int b) {
        if (a <= 0) {
            return Math.max(b, 0);
        }
        return b <= 0 ? a : Math.min(a, b);
    }

    TunnelPolicy policy() {
        return policy;
    }

    boolean admits(String tunnel, InetSocketAddress visitor) {
        if (rules.admitsEveryone() || visitor == null) {
            return true;
        }
        if (rules.admits(visitor.getAddress())) {
            return true;
        }
        refused.increment();
        log.debug("[{}] refused visitor {}: not admitted by {}", tunnel, visitor, rules);
        return false;
    }

    /**
     * Whether a datagram fits the bandwidth limit now ({@code inbound}: from a visitor); a UDP tunnel calls it on its
     * event loop only. A datagram that does not fit is dropped by the caller, so nothing queues.
     */
    boolean admitsDatagram(int bytes, boolean inbound) {
        long limit = policy.bandwidthLimit();
        if (limit <= 0) {
            return true;
        }
        long now = System.nanoTime();
        if (datagramsIn == null) {
            // a burst of a tenth of a second, and at least one largest datagram
            long burst = Math.max(limit / 10, 65_536);
            datagramsIn = new TokenBucket(limit, burst, now);
            datagramsOut = new TokenBucket(limit, burst, now);
        }
        return (inbound ? datagramsIn : datagramsOut).tryTake(bytes, now);
    }

    long refused() {
        return refused.sum();
    }

    void shape(Channel publicChannel) {
        if (shaper != null) {
            publicChannel.pipeline().addFirst("bandwidth", shaper);
        }
    }

    void release() {
        if (shaper != null) {
            shaper.release();
        }
    }
}
