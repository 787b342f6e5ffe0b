package dev.flux.controlplane.web;

import dev.flux.controlplane.reservation.ReservationController;
import dev.flux.controlplane.reservation.ReservationKind;
import dev.flux.controlplane.security.WebUser;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** {@code /reservations}: subdomains, domains and ports kept for tunnels, through {@link ReservationController}. */
@Controller
@RequestMapping("/reservations")
class ReservationsPage {

    private final ReservationController api;
    private final PageActions actions;

    ReservationsPage(ReservationController api, PageActions actions) {
        this.api = api;
        this.actions = actions;
    }

    @GetMapping
    String list(@AuthenticationPrincipal WebUser me, Model model) {
        model.addAttribute("reservations", api.list(me.asApiPrincipal()));
        model.addAttribute("kinds", List.of(ReservationKind.values()));
        return "reservations";
    }

    @PostMapping
    String create(@AuthenticationPrincipal WebUser me, @RequestParam String kind,
                  @RequestParam(required = false) @Nullable String value,
                  @RequestParam(required = false) @Nullable String node, RedirectAttributes flash) {
        return actions.run(flash, "/reservations", () -> {
            var reservation = api.reserve(new ReservationController.NewReservation(ReservationKind.of(kind),
                    blankToNull(value), blankToNull(node)), me.asApiPrincipal());
            flash.addFlashAttribute("notice", reservation.kind().describe(reservation.value()) + " is reserved");
        });
    }

    @PostMapping("/{id}/delete")
    String delete(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return actions.run(flash, "/reservations", () -> {
            api.release(id, me.asApiPrincipal());
            flash.addFlashAttribute("notice", "reservation " + id + " was released");
        });
    }

    static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
