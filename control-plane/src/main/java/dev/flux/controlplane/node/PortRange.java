package dev.flux.controlplane.node;

/** An inclusive range of TCP/UDP ports, written {@code 20000-29999}. */
public record PortRange(int min, int max) {

    public PortRange {
        if (min < 1 || max > 65535 || min > max) {
            throw new IllegalArgumentException("port range: " + min + "-" + max + " (expected: 1 <= min <= max <= 65535)");
        }
    }

    public boolean contains(int port) {
        return port >= min && port <= max;
    }

    @Override
    public String toString() {
        return min + "-" + max;
    }
}
