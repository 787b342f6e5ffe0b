package dev.flux.node.mapping;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One target of a static mapping: its address, the connections open to it now, and its health as its checks find
 * it (up until {@code failureThreshold} checks in a row fail, then down until one succeeds). Thread-safe.
 */
final class MappingTarget {

    private final String host;
    private final int port;
    private final int failureThreshold;
    private final AtomicInteger connections = new AtomicInteger();
    private int failuresInARow;
    private volatile boolean up = true;

    MappingTarget(String host, int port, int failureThreshold) {
        this.host = host;
        this.port = port;
        this.failureThreshold = failureThreshold;
    }

    /** Parses {@code host:port} or {@code [v6]:port}, as the configuration loader checked it. */
    static MappingTarget parse(String target, int failureThreshold) {
        int colon = target.lastIndexOf(':');
        String host = target.substring(0, colon);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        return new MappingTarget(host, Integer.parseInt(target.substring(colon + 1)), failureThreshold);
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    boolean up() {
        return up;
    }

    int connections() {
        return connections.get();
    }

    void connectionOpened() {
        connections.incrementAndGet();
    }

    void connectionClosed() {
        connections.decrementAndGet();
    }

    /** Records a check's result; returns true when it changed whether the target is up. */
    synchronized boolean checked(boolean ok) {
        if (ok) {
            failuresInARow = 0;
            if (!up) {
                up = true;
                return true;
            }
            return false;
        }
        failuresInARow++;
        if (up && failuresInARow >= failureThreshold) {
            up = false;
            return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
