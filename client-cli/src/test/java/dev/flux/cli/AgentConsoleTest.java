package dev.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The event lines, and on a terminal the status block below them; the real node is in {@link UpCommandTest}. */
class AgentConsoleTest {

    static final TunnelStatus READY = new TunnelStatus("web", "http", "127.0.0.1:8080", TunnelState.READY,
            List.of("http://web.example.com", "http://app.example.com"), null, 0, 0, 0);
    static final TunnelStatus REJECTED = new TunnelStatus("ssh", "tcp", "127.0.0.1:22", TunnelState.REJECTED,
            List.of(), "remote port 1 is not allowed", 0, 0, 0);
    static final TunnelStatus RECONNECTING = new TunnelStatus("web", "http", "127.0.0.1:8080",
            TunnelState.RECONNECTING, List.of(), null, 0, 0, 0);

    final StringWriter out = new StringWriter();

    @Test
    void eventLinesOnly() {
        try (AgentConsole console = new AgentConsole(new PrintWriter(out), "node.example.com:7000", false)) {
            console.connectionChanged(true, "connected to node node.example.com:7000");
            console.tunnelChanged(READY);
            console.tunnelChanged(REJECTED);
            console.tunnelChanged(RECONNECTING);
            console.connectionChanged(false, "lost the connection to the node; retrying in 0.5 s");
        }

        assertThat(out.toString().lines()).containsExactly(
                "connected to node node.example.com:7000",
                "[web] tunnel ready http://web.example.com http://app.example.com",
                "[ssh] tunnel rejected: remote port 1 is not allowed",
                "disconnected: lost the connection to the node; retrying in 0.5 s");
    }

    @Test
    void nothingAfterStopping() {
        try (AgentConsole console = new AgentConsole(new PrintWriter(out), "node.example.com:7000", false)) {
            console.tunnelChanged(READY);
            console.stopping();
            console.connectionChanged(false, "lost the connection to the node; retrying in 0.5 s");
        }

        assertThat(out.toString().lines()).containsExactly(
                "[web] tunnel ready http://web.example.com http://app.example.com");
    }

    @Test
    void onATerminalEachEventLineLandsAboveTheRedrawnStatusBlock() {
        try (AgentConsole console = new AgentConsole(new PrintWriter(out), "node.example.com:7000", true)) {
            console.connectionChanged(true, "connected to node node.example.com:7000");
            console.tunnelChanged(REJECTED);
        }

        String eraseBlockOfOneLine = "\033[1A\r\033[J"; // only the node line: no tunnel status yet
        assertThat(out.toString())
                .startsWith("connected to node node.example.com:7000" + System.lineSeparator() + "\033[?7l")
                .contains(eraseBlockOfOneLine + "[ssh] tunnel rejected: remote port 1 is not allowed")
                .endsWith("\033[?7h");
        String lastBlock = out.toString().substring(out.toString().lastIndexOf("\033[?7l"));
        assertThat(lastBlock).contains("connected").contains("ssh").contains("rejected");
    }
}
