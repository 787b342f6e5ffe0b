package dev.flux.controlplane.web;

import dev.flux.controlplane.node.Node;
import dev.flux.controlplane.node.NodeRepository;
import dev.flux.controlplane.security.WebUser;
import dev.flux.controlplane.tunnel.Tunnel;
import dev.flux.controlplane.tunnel.TunnelRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** {@code /}: nodes online and offline, tunnels online, and the traffic of the last 24 hours. */
@Controller
class DashboardPage {

    /** A node that has not sent a heartbeat for this long counts as offline. */
    static final Duration NODE_ONLINE = Duration.ofSeconds(90);

    private final NodeRepository nodes;
    private final TunnelRepository tunnels;
    private final TrafficReport traffic;
    private final Clock clock = Clock.systemUTC();

    DashboardPage(NodeRepository nodes, TunnelRepository tunnels, TrafficReport traffic) {
        this.nodes = nodes;
        this.tunnels = tunnels;
        this.traffic = traffic;
    }

    @GetMapping("/")
    String dashboard(@AuthenticationPrincipal WebUser me, Model model) {
        Instant now = clock.instant();
        Long scope = me.administrator() ? null : me.userId();
        List<Node> all = nodes.findAll();
        long online = all.stream().filter(n -> online(n, now)).count();
        List<Tunnel> visible = tunnels.findAll(scope);
        model.addAttribute("nodesOnline", online);
        model.addAttribute("nodesOffline", all.size() - online);
        model.addAttribute("tunnelsOnline", visible.stream().filter(t -> t.state().equals("online")).count());
        model.addAttribute("tunnelsTotal", visible.size());
        model.addAttribute("chart", TrafficChart.of(traffic.last24Hours(scope, now)));
        return "dashboard";
    }

    static boolean online(Node node, Instant now) {
        return node.lastHeartbeatAt() != null && node.lastHeartbeatAt().isAfter(now.minus(NODE_ONLINE));
    }
}
