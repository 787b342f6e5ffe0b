package dev.flux.controlplane.web;

import dev.flux.controlplane.db.Rows;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Reads {@code traffic_samples} (per tunnel and minute, written from the nodes' heartbeats) for the dashboard's
 * chart and the tunnel list: totals of one user's tunnels, or of everyone's when {@code userId} is null.
 */
@Repository
class TrafficReport {

    /** Bytes and connections over some period. */
    public record Traffic(long bytesIn, long bytesOut, long connections) {

        static final Traffic NONE = new Traffic(0, 0, 0);

        public long bytes() {
            return bytesIn + bytesOut;
        }
    }

    /** The traffic of one hour, starting at {@code hour}. */
    public record Hour(Instant hour, Traffic traffic) {
    }

    private final JdbcClient jdbc;

    TrafficReport(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The last 24 hours, hour by hour, oldest first; hours without samples are zero. */
    List<Hour> last24Hours(@Nullable Long userId, Instant now) {
        Instant end = now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS);
        Instant start = end.minus(24, ChronoUnit.HOURS);
        Map<Instant, Traffic> byHour = new HashMap<>();
        jdbc.sql("""
                        SELECT date_trunc('hour', s.minute) AS hour, sum(s.bytes_in) AS bytes_in,
                               sum(s.bytes_out) AS bytes_out, sum(s.connections) AS connections
                        FROM traffic_samples s JOIN tunnels t ON t.id = s.tunnel_id
                        WHERE s.minute >= :start AND s.minute < :end
                          AND (CAST(:userId AS bigint) IS NULL OR t.user_id = :userId)
                        GROUP BY 1""")
                .param("start", Rows.param(start))
                .param("end", Rows.param(end))
                .param("userId", userId)
                .query((rs, row) -> byHour.put(Rows.instant(rs, "hour"), new Traffic(rs.getLong("bytes_in"),
                        rs.getLong("bytes_out"), rs.getLong("connections"))))
                .list();
        return IntStream.range(0, 24)
                .mapToObj(i -> start.plus(i, ChronoUnit.HOURS))
                .map(hour -> new Hour(hour, byHour.getOrDefault(hour, Traffic.NONE)))
                .toList();
    }
}
