package dev.flux.controlplane.audit;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/audit}: the audit trail, for administrators (the security configuration requires it). */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    @GetMapping
    List<AuditEvent> recent(@RequestParam(required = false) @Nullable String actor,
                            @RequestParam(required = false) @Nullable String action,
                            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit) {
        return audit.recent(actor, action, limit);
    }
}
