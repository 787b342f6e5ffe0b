package dev.flux.node.controlplane;

import dev.flux.node.tunnel.Tunnel;
import dev.flux.protocol.stream.TrafficCounter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The traffic each tunnel carried since it was last reported, for heartbeats. Counts taken for a heartbeat that did
 * not get through, and the last counts of tunnels that closed, wait for the next one; nothing is counted twice.
 */
final class TrafficReports {

    /** Counter values already taken for a report, per live tunnel: bytes in, bytes out, connections. */
    private final Map<Tunnel, long[]> taken = new HashMap<>();
    /** Counts not yet delivered, by the control plane's tunnel id. */
    private final Map<Long, long[]> owed = new LinkedHashMap<>();

    /** One heartbeat's counts: the {@code tunnels} list of the request. */
    record Batch(List<Map<String, Object>> tunnels) {
    }

    /** A tunnel started; its counts are reported from zero. */
    synchronized void online(Tunnel tunnel) {
        taken.putIfAbsent(tunnel, new long[3]);
    }

    /** A tunnel closed: what it carried since its last report goes into the next heartbeat. */
    synchronized void offline(Tunnel tunnel, long tunnelId) {
        long[] before = taken.remove(tunnel);
        owe(tunnelId, minus(snapshot(tunnel.counter()), before == null ? new long[3] : before));
    }

    /** Takes the counts since the last batch for every live tunnel, and everything owed. */
    synchronized Batch collect(Collection<Tunnel> live) {
        Map<Long, long[]> deltas = new LinkedHashMap<>(owed);
        Map<Long, Long> active = new HashMap<>();
        owed.clear();
        for (Tunnel t : live) {
            Long id = t.controlPlaneId();
            if (id == null) {
                continue;
            }
            long[] now = snapshot(t.counter());
            long[] before = taken.put(t, now);
            deltas.merge(id, minus(now, before == null ? new long[3] : before), TrafficReports::plus);
            active.merge(id, t.counter().openConnections(), Long::sum);
        }
        List<Map<String, Object>> tunnels = new ArrayList<>();
        deltas.forEach((id, d) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("tunnelId", id);
            m.put("bytesIn", d[0]);
            m.put("bytesOut", d[1]);
            m.put("connections", d[2]);
            m.put("activeConnections", active.getOrDefault(id, 0L));
            tunnels.add(m);
        });
        return new Batch(tunnels);
    }

    /** The batch did not get through: its counts are owed to the next one. */
    synchronized void undelivered(Batch batch) {
        for (Map<String, Object> t : batch.tunnels()) {
            owe((Long) t.get("tunnelId"), new long[] {(Long) t.get("bytesIn"), (Long) t.get("bytesOut"),
                    (Long) t.get("connections")});
        }
    }

    private void owe(long tunnelId, long[] counts) {
        if (counts[0] > 0 || counts[1] > 0 || counts[2] > 0) {
            owed.merge(tunnelId, counts, TrafficReports::plus);
        }
    }

    private static long[] snapshot(TrafficCounter c) {
        return new long[] {c.bytesIn(), c.bytesOut(), c.totalConnections()};
    }

    private static long[] minus(long[] a, long[] b) {
        return new long[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    private static long[] plus(long[] a, long[] b) {
        return new long[] {a[0] + b[0], a[1] + b[1], a[2] + b[2]};
    }
}
