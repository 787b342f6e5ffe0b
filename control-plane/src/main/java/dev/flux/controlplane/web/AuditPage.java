package dev.flux.controlplane.web;

import dev.flux.controlplane.audit.AuditLog;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** {@code /audit} (administrators): the audit trail, filtered by actor, action and a range of days (UTC). */
@Controller
@RequestMapping("/audit")
class AuditPage {

    static final int LIMIT = 500;

    private final AuditLog audit;

    AuditPage(AuditLog audit) {
        this.audit = audit;
    }

    /** @param to the last day shown, inclusive */
    @GetMapping
    String list(@RequestParam(required = false) @Nullable String actor,
                @RequestParam(required = false) @Nullable String action,
                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate from,
                @RequestParam(required = false) @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) @Nullable LocalDate to,
                Model model) {
        model.addAttribute("events", audit.search(ReservationsPage.blankToNull(actor),
                ReservationsPage.blankToNull(action),
                from == null ? null : from.atStartOfDay().toInstant(ZoneOffset.UTC),
                to == null ? null : to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC), LIMIT));
        model.addAttribute("actor", actor);
        model.addAttribute("action", action);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("limit", LIMIT);
        return "audit";
    }
}
