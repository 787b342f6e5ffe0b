package dev.flux.node.tunnel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who holds what on this node: host names of HTTP tunnels, ports of TCP and UDP tunnels, tunnel counts per token,
 * and the live agent sessions. Reservations are made under one lock so that two agents racing for the same host name or
 * port cannot both win; lookups on the request path read a concurrent map without locking.
 */
public final class TunnelRegistry {

    private final Map<String, HttpTunnel> httpByHost = new ConcurrentHashMap<>();
    /** TCP and UDP ports are separate namespaces: a TCP and a UDP tunnel may share a port number. */
    private final PortClaims<TcpTunnel> tcpPorts = new PortClaims<>("port");
    private final PortClaims<UdpTunnel> udpPorts = new PortClaims<>("UDP port");
    private final Map<String, Integer> tunnelsPerToken = new HashMap<>();
    private final Map<String, AgentSession> sessionsByRun = new ConcurrentHashMap<>();
    /** STCP and SUDP tunnels by owner + "/" + name. */
    private final Map<String, SecretTunnel> secretTunnels = new ConcurrentHashMap<>();

    /** The HTTP tunnel serving a host name (lower case, no port), or null. */
    public HttpTunnel httpTunnel(String host) {
        return httpByHost.get(host);
    }

    /** Every live tunnel, for status output and tests. */
    public synchronized List<Tunnel> tunnels() {
        List<Tunnel> out = new ArrayList<>(httpByHost.values().stream().distinct().toList());
        out.addAll(tcpPorts.holders());
        out.addAll(udpPorts.holders());
        out.addAll(secretTunnels.values());
        return out;
    }

    public Collection<AgentSession> sessions() {
        return sessionsByRun.values();
    }

    /** Records a session; returns the earlier session of the same agent run (token + run id), or null. */
    AgentSession addSession(AgentSession session) {
        return sessionsByRun.put(session.runKey(), session);
    }

    void removeSession(AgentSession session) {
        sessionsByRun.remove(session.runKey(), session);
    }

    /** Counts a new tunnel against its token's limit. */
    synchronized void acquireTunnelSlot(AgentIdentity token) throws TunnelRejectedException {
        int n = tunnelsPerToken.getOrDefault(token.name(), 0);
        if (token.maxTunnels() > 0 && n >= token.maxTunnels()) {
            throw new TunnelRejectedException((token.userId() == null ? "token '" + token.name() + "'"
                    : token.name()) + " may run at most " + token.maxTunnels()
                    + " tunnels on this node and already runs " + n, false);
        }
        tunnelsPerToken.put(token.name(), n + 1);
    }

    synchronized void releaseTunnelSlot(AgentIdentity token) {
        tunnelsPerToken.computeIfPresent(token.name(), (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Claims every host of a new HTTP tunnel, or none of them. */
    synchronized void claimHosts(HttpTunnel tunnel) throws TunnelRejectedException {
        for (String host : tunnel.hosts()) {
            HttpTunnel holder = httpByHost.get(host);
            if (holder != null) {
                throw new TunnelRejectedException("host " + host + " is already served by tunnel '" + holder.name()
                        + "' of another agent on this node; choose another subdomain or domain", true);
            }
        }
        for (String host : tunnel.hosts()) {
            httpByHost.put(host.toLowerCase(Locale.ROOT), tunnel);
        }
    }

    synchronized void releaseHosts(HttpTunnel tunnel) {
        for (String host : tunnel.hosts()) {
            httpByHost.remove(host, tunnel);
        }
    }

    /** TCP ports held by tunnels or being bound for one. */
    PortClaims<TcpTunnel> tcpPorts() {
        return tcpPorts;
    }

    /** UDP ports held by tunnels or being bound for one. */
    PortClaims<UdpTunnel> udpPorts() {
        return udpPorts;
    }

    /** Claims an owner's secret tunnel name on this node. */
    synchronized void claimSecret(SecretTunnel tunnel) throws TunnelRejectedException {
        SecretTunnel holder = secretTunnels.putIfAbsent(tunnel.owner() + "/" + tunnel.name(), tunnel);
        if (holder != null) {
            throw new TunnelRejectedException("secret tunnel '" + tunnel.name() + "' of " + tunnel.owner()
                    + " is already served by another agent (" + holder.session().agentName() + ")", true);
        }
    }

    synchronized void releaseSecret(SecretTunnel tunnel) {
        secretTunnels.remove(tunnel.owner() + "/" + tunnel.name(), tunnel);
    }

    /**
     * The secret tunnel a visitor means: {@code owner}'s tunnel {@code name}; with no owner given, the only tunnel
     * of that name, or the visitor's own when several owners have one.
     *
     * @throws TunnelRejectedException naming what is missing or ambiguous
     */
    SecretTunnel secretTunnel(String name, String owner, String visitor) throws TunnelRejectedException {
        if (owner != null) {
            SecretTunnel t = secretTunnels.get(owner + "/" + name);
            if (t == null) {
                throw new TunnelRejectedException("no secret tunnel named '" + name + "' of " + owner
                        + " on this node (is its agent running?)", true);
            }
            return t;
        }
        List<SecretTunnel> named = secretTunnels.values().stream().filter(t -> t.name().equals(name)).toList();
        if (named.isEmpty()) {
            throw new TunnelRejectedException("no secret tunnel named '" + name + "' on this node (is its agent "
                    + "running?)", true);
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        return named.stream().filter(t -> t.owner().equals(visitor)).findFirst()
                .orElseThrow(() -> new TunnelRejectedException(named.size() + " owners serve a secret tunnel named '"
                        + name + "'; name the owner (serverUser, --owner)", false));
    }
}
