package dev.flux.cli;

import dev.flux.client.AgentListener;
import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What {@code up} writes while the agent runs. Event lines, whose wording is stable because people and scripts
 * wait for them:
 * <pre>
 * connected to node HOST:PORT
 * disconnected: DETAIL
 * [NAME] tunnel ready URL [URL...]
 * [NAME] tunnel rejected: REASON
 * </pre>
 * On an interactive terminal a {@link StatusBlock} stays below them, redrawn every second with ANSI escapes; stderr
 * (the log) then goes through this class as well, so that its lines too land above the block rather than in it.
 *
 * <p>The agent calls the listener methods on its event loop, which must never wait for a slow stdout; so all output
 * happens on one printer thread of this class, in the order of the events.
 */
final class AgentConsole implements AgentListener, AutoCloseable {

    private static final String ERASE_TO_END = "\033[J";
    // Clipping instead of wrapping keeps every status line on one row, so the redraw knows how far up to go.
    private static final String WRAP_OFF = "\033[?7l";
    private static final String WRAP_ON = "\033[?7h";

    private final PrintWriter out;
    private final String node; // null: learnt from the agent's "connected to node ..." detail
    private volatile String connectedNode;
    private final boolean live;
    private final ScheduledExecutorService printer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "fluxctl-console");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean stopping;
    private volatile PrintStream stderr; // the real one, while System.err goes through this class

    // Confined to the printer thread.
    private final Map<String, TunnelStatus> tunnels = new LinkedHashMap<>();
    private String connection = "connecting";
    private int drawnLines;

    /**
     * @param node host:port of the node, as the event lines name it; null when the control plane chooses it
     * @param live whether to keep a live status block (stdout is an interactive terminal)
     */
    AgentConsole(PrintWriter out, String node, boolean live) {
        this.out = out;
        this.node = node;
        this.live = live;
    }

    /**
     * On a live console, redraws the status block every second from {@code source}, which may block briefly, and
     * writes stderr's lines above it until {@link #close()}.
     */
    void showStatus(Supplier<List<TunnelStatus>> source) {
        if (!live) {
            return;
        }
        stderr = System.err;
        System.setErr(new PrintStream(new LineOutputStream(this::printStderr), true, Charset.defaultCharset()));
        printer.scheduleAtFixedRate(() -> {
            source.get().forEach(s -> tunnels.put(s.name(), s));
            erase();
            draw();
            out.flush();
        }, 0, 1, TimeUnit.SECONDS);
    }

    @Override
    public void tunnelChanged(TunnelStatus status) {
        onPrinter(() -> {
            tunnels.put(status.name(), status);
            if (status.state() == TunnelState.READY) {
                print("[" + status.name() + "] tunnel ready " + String.join(" ", status.urls()));
            } else if (status.state() == TunnelState.REJECTED) {
                print("[" + status.name() + "] tunnel rejected: " + status.error());
            } else if (status.state() == TunnelState.UNHEALTHY) {
                print("[" + status.name() + "] local service unhealthy, tunnel off the node: " + status.error());
            }
        });
    }

    @Override
    public void connectionChanged(boolean connected, String detail) {
        onPrinter(() -> {
            connection = connected ? "connected" : "reconnecting"; // the event line above says why
            if (connected && node == null) {
                connectedNode = detail.startsWith("connected to node ") ? detail.substring(18) : detail;
            }
            print(connected ? (node != null ? "connected to node " + node : detail) : "disconnected: " + detail);
        });
    }

    @Override
    public void controlPlaneChanged(boolean reachable, String detail) {
        onPrinter(() -> print(reachable ? detail : detail + "; the tunnels keep running"));
    }

    @Override
    public void visitorListening(String name, String type, String serverName, java.net.InetSocketAddress address) {
        onPrinter(() -> print("[" + name + "] visitor listening on " + address.getAddress().getHostAddress() + ":"
                + address.getPort() + " for " + type + " tunnel " + serverName));
    }

    /** A line of its own above the status block (e.g. one per HTTP request); dropped once stopping. */
    void line(String text) {
        onPrinter(() -> print(text));
    }

    /**
     * From now on, events are dropped: the user asked the agent to stop, and its connection closing is not news
     * (nor a "retrying" it will not do).
     */
    void stopping() {
        stopping = true;
    }

    /** Writes what is pending and stops the printer; the last status block stays on the screen. */
    @Override
    public void close() {
        printer.shutdown(); // runs the events already queued, cancels the redraws
        try {
            printer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
        if (stderr != null) {
            PrintStream ours = System.err;
            System.setErr(stderr);
            ours.close(); // an unfinished last line now goes straight to the real stderr
        }
    }

    private void onPrinter(Runnable event) {
        if (stopping) {
            return;
        }
        try {
            printer.execute(event);
        } catch (RejectedExecutionException e) {
            // Closed: `up` has returned, and an event from an agent still winding down has no one to show it to.
        }
    }

    /** A line someone wrote to System.err, on any thread. */
    private void printStderr(byte[] line) {
        try {
            printer.execute(() -> {
                erase();
                out.flush();
                stderr.write(line, 0, line.length);
                stderr.flush();
                draw();
                out.flush();
            });
        } catch (RejectedExecutionException e) {
            stderr.write(line, 0, line.length); // closing: no block left to keep clear
            stderr.flush();
        }
    }

    /** An event line, above the status block. */
    private void print(String line) {
        erase();
        out.println(line);
        draw();
        out.flush();
    }

    private void erase() {
        if (drawnLines > 0) {
            out.print("\033[" + drawnLines + "A\r" + ERASE_TO_END);
            drawnLines = 0;
        }
    }

    private void draw() {
        if (!live) {
            return;
        }
        List<String> lines = StatusBlock.render(node != null ? node
                : connectedNode != null ? connectedNode : "(chosen by the control plane)", connection, new ArrayList<>(tunnels.values()), true);
        out.print(WRAP_OFF);
        lines.forEach(out::println);
        out.print(WRAP_ON);
        drawnLines = lines.size();
    }
}
