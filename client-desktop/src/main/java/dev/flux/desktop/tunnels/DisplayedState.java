package dev.flux.desktop.tunnels;

import dev.flux.client.TunnelStatus;
import dev.flux.client.controlplane.RemoteTunnel;
import dev.flux.desktop.Messages;

/**
 * A tunnel's state as the tunnels screen shows it, from what the control plane says (enabled or not) and what the
 * in-process agent says (ready, connecting, reconnecting, rejected).
 *
 * @param kind what the colour and the tray say
 * @param text the words, e.g. "reconnecting in 3 s" or "error: subdomain 'wx' is taken"
 */
public record DisplayedState(Kind kind, String text) {

    /** The states the screen tells apart. */
    public enum Kind { ONLINE, CONNECTING, RECONNECTING, ERROR, OFF }

    /**
     * @param local           the agent's state of the tunnel, null when it does not serve it (yet)
     * @param agentFailure    why the agent stopped for good, or null while it runs
     * @param reconnectMillis how long until the agent tries the node again; ≤ 0 when it is not waiting
     */
    public static DisplayedState of(RemoteTunnel remote, TunnelStatus local, String agentFailure,
                                     long reconnectMillis, Messages messages) {
        if (!remote.isEnabled()) {
            return new DisplayedState(Kind.OFF, messages.get("state.off"));
        }
        if (agentFailure != null) {
            return new DisplayedState(Kind.ERROR, messages.get("state.error", agentFailure));
        }
        if (local == null) {
            return new DisplayedState(Kind.CONNECTING, messages.get("state.connecting"));
        }
        return switch (local.state()) {
            case READY -> new DisplayedState(Kind.ONLINE, messages.get("state.online"));
            case CONNECTING -> new DisplayedState(Kind.CONNECTING, messages.get("state.connecting"));
            case RECONNECTING -> reconnectMillis > 0
                    ? new DisplayedState(Kind.RECONNECTING,
                            messages.get("state.reconnectingIn", (reconnectMillis + 999) / 1000))
                    : new DisplayedState(Kind.RECONNECTING, messages.get("state.reconnecting"));
            case REJECTED -> new DisplayedState(Kind.ERROR, messages.get("state.error",
                    local.error() == null ? messages.get("state.rejected") : local.error()));
            // the local service failed its health check: the agent took the tunnel off the node until it recovers
            case UNHEALTHY -> new DisplayedState(Kind.ERROR, messages.get("state.error",
                    local.error() == null ? messages.get("state.unhealthy") : local.error()));
        };
    }
}
