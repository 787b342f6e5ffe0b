package dev.flux.controlplane.web;

import dev.flux.controlplane.api.ApiException;
import dev.flux.controlplane.security.ApiPrincipal;
import dev.flux.controlplane.security.WebUser;
import dev.flux.controlplane.tunnel.Tunnel;
import dev.flux.controlplane.tunnel.TunnelController;
import dev.flux.controlplane.tunnel.TunnelRepository;
import dev.flux.controlplane.tunnel.TunnelStates;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /tunnels}: the live tunnel list (the rows refresh every few seconds through htmx from
 * {@code /tunnels/rows}), a tunnel's page, and disable/enable/kick ({@link TunnelStates}) and delete
 * ({@link TunnelController}). Another user's tunnel answers 404.
 */
@Controller
@RequestMapping("/tunnels")
class TunnelsPage {

    /** One row of the list: the tunnel, with its traffic of the last 24 hours as the API reports it. */
    public record Row(Tunnel tunnel) {

        /**
         * The public URL; for a tunnel no node serves yet, what it holds (subdomain, domain or port); for a secret
         * tunnel, the command its visitors run (without the secret).
         */
        public String address() {
            if (tunnel.visitCommand() != null) {
                return "visit with: " + tunnel.visitCommand();
            }
            if (tunnel.publicUrl() != null) {
                return tunnel.publicUrl();
            }
            if (tunnel.subdomain() != null) {
                return tunnel.subdomain() + " (subdomain)";
            }
            if (tunnel.customDomain() != null) {
                return tunnel.customDomain();
            }
            return tunnel.remotePort() == null ? "" : tunnel.type().id() + " port " + tunnel.remotePort();
        }

        /** Whether the address is a URL a browser opens (http and https tunnels served by a node). */
        public boolean browsable() {
            return tunnel.publicUrl() != null && tunnel.type().byHostName();
        }

        /** {@code online}, {@code offline} or {@code disabled}. */
        public String state() {
            return tunnel.enabled() ? tunnel.state() : "disabled";
        }

        public String bytesIn() {
            return Bytes.format(tunnel.bytesIn());
        }

        public String bytesOut() {
            return Bytes.format(tunnel.bytesOut());
        }
    }

    private final TunnelRepository tunnels;
    private final TunnelController api;
    private final TunnelStates states;
    private final PageActions actions;

    TunnelsPage(TunnelRepository tunnels, TunnelController api, TunnelStates states, PageActions actions) {
        this.tunnels = tunnels;
        this.api = api;
        this.states = states;
        this.actions = actions;
    }

    @GetMapping
    String list(@AuthenticationPrincipal WebUser me, Model model) {
        model.addAttribute("rows", rows(me));
        return "tunnels";
    }

    /** The table body alone, which the list page swaps in every few seconds. */
    @GetMapping("/rows")
    String rows(@AuthenticationPrincipal WebUser me, Model model) {
        model.addAttribute("rows", rows(me));
        return "tunnels :: rows";
    }

    @GetMapping("/{id}")
    String show(@AuthenticationPrincipal WebUser me, @PathVariable long id, Model model) {
        model.addAttribute("row", new Row(find(id, me.asApiPrincipal())));
        return "tunnel";
    }

    @PostMapping("/{id}/disable")
    String disable(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return change(me, id, flash, "disabled", () -> states.disable(id));
    }

    @PostMapping("/{id}/enable")
    String enable(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return change(me, id, flash, "enabled", () -> states.enable(id));
    }

    @PostMapping("/{id}/kick")
    String kick(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return change(me, id, flash, "disconnected", () -> states.kick(id));
    }

    @PostMapping("/{id}/delete")
    String delete(@AuthenticationPrincipal WebUser me, @PathVariable long id, RedirectAttributes flash) {
        return actions.run(flash, "/tunnels", () -> {
            Tunnel tunnel = find(id, me.asApiPrincipal());
            api.delete(Long.toString(id), me.asApiPrincipal());
            flash.addFlashAttribute("notice", "tunnel '" + tunnel.name() + "' was deleted");
        });
    }

    private String change(WebUser me, long id, RedirectAttributes flash, String done, Runnable change) {
        Tunnel tunnel = find(id, me.asApiPrincipal());
        return actions.run(flash, "/tunnels", () -> {
            change.run();
            flash.addFlashAttribute("notice", "tunnel '" + tunnel.name() + "' was " + done);
        });
    }

    private List<Row> rows(WebUser me) {
        return tunnels.findAll(me.administrator() ? null : me.userId()).stream().map(Row::new).toList();
    }

    private Tunnel find(long id, ApiPrincipal caller) {
        return tunnels.findById(id).filter(t -> caller.canAccess(t.userId()))
                .orElseThrow(() -> ApiException.notFound("tunnel " + id));
    }
}
