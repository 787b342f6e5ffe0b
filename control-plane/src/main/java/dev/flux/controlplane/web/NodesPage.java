package dev.flux.controlplane.web;

import dev.flux.controlplane.node.Node;
import dev.flux.controlplane.node.NodeController;
import dev.flux.controlplane.node.NodeRepository;
import dev.flux.controlplane.security.WebUser;
import java.time.Clock;
import java.time.Instant;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * {@code /nodes} (administrators): gateway nodes, online when a heartbeat came in the last 90 s; registering one
 * (through {@link NodeController}) shows its credential once.
 */
@Controller
@RequestMapping("/nodes")
class NodesPage {

    /** A node and whether it is online now. */
    public record Row(Node node, boolean online) {
    }

    private final NodeRepository nodes;
    private final NodeController api;
    private final PageActions actions;
    private final Clock clock = Clock.systemUTC();

    NodesPage(NodeRepository nodes, NodeController api, PageActions actions) {
        this.nodes = nodes;
        this.api = api;
        this.actions = actions;
    }

    @GetMapping
    String list(Model model) {
        Instant now = clock.instant();
        model.addAttribute("rows", nodes.findAll().stream().map(n -> new Row(n, DashboardPage.online(n, now))).toList());
        return "nodes";
    }

    @PostMapping
    String create(@AuthenticationPrincipal WebUser me, @RequestParam String name, @RequestParam String publicHost,
                  @RequestParam(required = false) @Nullable String subdomainHost,
                  @RequestParam(required = false) @Nullable Integer portMin,
                  @RequestParam(required = false) @Nullable Integer portMax, RedirectAttributes flash) {
        return actions.run(flash, "/nodes", () -> {
            NodeController.RegisteredNode registered = api.register(actions.valid(new NodeController.NewNode(
                    name.trim(), publicHost.trim(), ReservationsPage.blankToNull(subdomainHost), portMin, portMax)),
                    me.asApiPrincipal());
            flash.addFlashAttribute("nodeName", registered.node().name());
            flash.addFlashAttribute("credential", registered.credential());
        });
    }
}
