package dev.flux.controlplane.audit;

import java.time.Instant;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Who did what to which thing, when, and from which address. */
public record AuditEvent(
        long id,
        Instant at,
        String actor,
        String action,
        @Nullable String target,
        @Nullable String ip,
        Map<String, Object> detail) {
}
