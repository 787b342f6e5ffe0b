package dev.flux.cli;

import dev.flux.client.TunnelState;
import dev.flux.client.TunnelStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live status block {@code up} keeps at the bottom of a terminal: a line for the node, then one line per
 * tunnel with its state, URLs (or why it is not ready), open connections and traffic, in aligned columns.
 */
final class StatusBlock {

    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    private static final String GREEN = "\033[32m";
    private static final String YELLOW = "\033[33m";
    private static final String RED = "\033[31m";
    private static final String RESET = "\033[0m";

    private StatusBlock() {
    }

    /**
     * @param node       the node's host:port
     * @param connection "connecting", "connected" or "reconnecting"
     * @param colour     whether to colour the states with ANSI escapes
     */
    static List<String> render(String node, String connection, List<TunnelStatus> tunnels, boolean colour) {
        List<String> lines = new ArrayList<>();
        lines.add("node " + node + "  " + paint(connection, connection.equals("connected") ? GREEN : YELLOW, colour));
        int nameWidth = 0;
        int targetWidth = 0;
        for (TunnelStatus t : tunnels) {
            nameWidth = Math.max(nameWidth, t.name().length());
            targetWidth = Math.max(targetWidth, target(t).length());
        }
        int stateWidth = TunnelState.RECONNECTING.name().length();
        for (TunnelStatus t : tunnels) {
            String state = pad(t.state().name().toLowerCase(Locale.ROOT), stateWidth);
            lines.add("  " + pad(t.name(), nameWidth)
                    + "  " + paint(state, colourOf(t.state()), colour)
                    + "  " + pad(target(t), targetWidth)
                    + "  " + t.connections() + (t.connections() == 1 ? " conn " : " conns")
                    + "  in " + bytes(t.bytesIn())
                    + "  out " + bytes(t.bytesOut()));
        }
        return lines;
    }

    /** A byte count for people: {@code 512 B}, {@code 1.5 KiB}, {@code 30.0 MiB}. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        int unit = 0;
        double value = n;
        while (value >= 1024 && unit < UNITS.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
    }

    private static String target(TunnelStatus t) {
        if (!t.urls().isEmpty()) {
            return String.join(" ", t.urls());
        }
        return t.error() != null ? t.error() : "-> " + t.localAddress();
    }

    private static String colourOf(TunnelState state) {
        return switch (state) {
            case READY -> GREEN;
            case REJECTED, UNHEALTHY -> RED;
            case CONNECTING, RECONNECTING -> YELLOW;
        };
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }

    private static String paint(String s, String colour, boolean enabled) {
        return enabled ? colour + s + RESET : s;
    }
}
