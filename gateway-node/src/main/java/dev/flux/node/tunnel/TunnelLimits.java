package dev.flux.node.tunnel;

import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.net.AddressRules;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tunnel's policy as the node enforces it: the parsed IP rules and, with a bandwidth limit, two token buckets
 * (bytes from visitors, bytes toward visitors) shared by every public connection and datagram of the tunnel, so that
 * the limit holds for the tunnel as a whole.
 *
 * <p>Streams are held to the buckets by a {@link BandwidthShaper} on each public connection, which applies
 * backpressure rather than buffering; datagrams that find the bucket empty are dropped.
 */
final class TunnelLimits {

    private static final Logger log = LoggerFactory.getLogger(TunnelLimits.class);
    /** Bytes queued toward a visitor before the connection reports itself unwritable. */
    static final long MAX_QUEUED_BYTES = 64 * 1024;

    static final TunnelLimits NONE = new TunnelLimits(TunnelPolicy.NONE, AddressRules.ADMIT_ALL);

    private final TunnelPolicy policy;
    private final AddressRules rules;
    private final LongAdder refused = new LongAdder();
    /** The budgets of bytes toward the agent and toward visitors; null without a bandwidth limit. */
    private final TokenBucket in;
    private final TokenBucket out;

    private TunnelLimits(TunnelPolicy policy, AddressRules rules) {
        this.policy = policy;
        this.rules = rules;
        long limit = policy.bandwidthLimit();
        if (limit > 0) {
            // a burst of a tenth of a second, and at least one largest datagram
            long burst = Math.max(limit / 10, 65_536);
            long now = System.nanoTime();
            in = new TokenBucket(limit, burst, now);
            out = new TokenBucket(limit, burst, now);
        } else {
            in = null;
            out = null;
        }
    }

    /**
     * The limits of a policy.
     *
     * @throws TunnelRejectedException naming an IP rule that is not an address or CIDR block
     */
    static TunnelLimits of(TunnelPolicy policy) throws TunnelRejectedException {
        if (policy.equals(TunnelPolicy.NONE)) {
            return NONE;
        }
        AddressRules rules;
        try {
            rules = AddressRules.of(policy.allowIps(), policy.denyIps());
        } catch (IllegalArgumentException e) {
            throw new TunnelRejectedException("allowIps/denyIps: " + e.getMessage(), false);
        }
        return new TunnelLimits(policy, rules);
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
        if (in == null) {
            return true;
        }
        return (inbound ? in : out).tryTake(bytes, System.nanoTime());
    }

    long refused() {
        return refused.sum();
    }

    /**
     * Puts this tunnel's bandwidth limit first on a public connection, in place of the limit of the tunnel that
     * served it before (a keep-alive HTTP connection moves between the members of a group); with no limit, takes a
     * previous one off. Call on the connection's event loop.
     */
    void shape(Channel publicChannel) {
        ChannelPipeline p = publicChannel.pipeline();
        BandwidthShaper previous = p.get(BandwidthShaper.class);
        if (in == null) {
            if (previous != null) {
                p.remove(previous);
            }
        } else if (previous == null) {
            p.addFirst(BandwidthShaper.NAME, new BandwidthShaper(in, out, MAX_QUEUED_BYTES));
        } else if (!previous.uses(in, out)) {
            p.replace(previous, BandwidthShaper.NAME, new BandwidthShaper(in, out, MAX_QUEUED_BYTES));
        }
    }
}
