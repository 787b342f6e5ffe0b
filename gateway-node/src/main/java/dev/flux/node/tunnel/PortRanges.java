package dev.flux.node.tunnel;

import dev.flux.node.config.NodeConfig.PortRange;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/** The remote ports agents may ask for, and random picks among them for agents that leave the choice to the node. */
final class PortRanges {

    private final List<PortRange> ranges;
    private final long size;

    PortRanges(List<PortRange> ranges) {
        this.ranges = List.copyOf(ranges);
        this.size = ranges.stream().mapToLong(r -> (long) r.end() - r.start() + 1).sum();
    }

    boolean allows(int port) {
        for (PortRange r : ranges) {
            if (r.contains(port)) {
                return true;
            }
        }
        return false;
    }

    /** A uniformly random allowed port, or -1 when there are none. */
    int random() {
        if (size == 0) {
            return -1;
        }
        long n = ThreadLocalRandom.current().nextLong(size);
        for (PortRange r : ranges) {
            long len = (long) r.end() - r.start() + 1;
            if (n < len) {
                return (int) (r.start() + n);
            }
            n -= len;
        }
        throw new IllegalStateException("unreachable");
    }

    long size() {
        return size;
    }

    @Override
    public String toString() {
        return ranges.stream().map(r -> r.start() == r.end() ? String.valueOf(r.start()) : r.start() + "-" + r.end())
                .collect(Collectors.joining(", "));
    }
}
