package dev.flux.node.tunnel;

import dev.flux.protocol.control.RegisterTunnel;
import dev.flux.protocol.control.TunnelPolicy;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Who holds what on this node: host names of HTTP tunnels, ports of TCP and UDP tunnels, tunnel counts per token,
 * and the live agent sessions. Reservations are made under one lock so that two agents racing for the same host name or
 * port cannot both win; lookups on the request path read a concurrent map without locking.
 */
public final class TunnelRegistry {

    private final Map<String, HttpTunnel> httpByHost = new ConcurrentHashMap<>();
    /**
     * Hosts whose http or https tunnels are off the node while their local services are unhealthy, by scheme and
     * host ({@code https://shop.example.com}): every such tunnel (group members too) of a live agent session.
     */
    private final Map<String, Set<Unhealthy>> unhealthyHosts = new ConcurrentHashMap<>();

    /**
     * A tunnel of an agent session whose hosts answer 503 while it is unhealthy; {@code termination} is null for
     * http, else {@link RegisterTunnel#TLS_NODE} or {@link RegisterTunnel#TLS_PASSTHROUGH}.
     */
    private record Unhealthy(AgentSession session, String tunnel, String termination) {
    }
    /** TCP and UDP ports are separate namespaces: a TCP and a UDP tunnel may share a port number. */
    private final PortClaims<TcpTunnel> tcpPorts = new PortClaims<>("port");
    private final PortClaims<UdpTunnel> udpPorts = new PortClaims<>("UDP port");
    private final Map<String, Integer> tunnelsPerToken = new HashMap<>();
    private final Map<String, AgentSession> sessionsByRun = new ConcurrentHashMap<>();
    /** Hosts of https tunnels: a namespace of their own, beside the HTTP hosts. */
    private final Map<String, Tunnel> httpsByHost = new ConcurrentHashMap<>();
    /** Load-balancing groups by type and name ({@code tcp/web}). */
    private final Map<String, TunnelGroup<Tunnel>> groups = new HashMap<>();
    /** Groups whose first member is binding their address now, by the same key. */
    private final Map<String, String> foundingGroups = new HashMap<>();
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
        out.addAll(httpsByHost.values().stream().distinct().toList());
        for (TunnelGroup<Tunnel> g : groups.values()) {
            g.members().stream().filter(t -> !out.contains(t)).forEach(out::add);
        }
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
        forgetUnhealthy(u -> u.session() == session);
    }

    /**
     * Whether {@code host} belongs to HTTP tunnels (alone, or every member of a group) whose agents took them off the
     * node because their local services fail their health checks, and are still connected: visitors get 503, not
     * 404. Consulted only for a host no tunnel serves.
     */
    public boolean unhealthy(String host) {
        Set<Unhealthy> u = unhealthyHosts.get("http://" + host);
        return u != null && !u.isEmpty();
    }

    /**
     * Like {@link #unhealthy} for an https host: how the unhealthy tunnel serving it handles TLS
     * ({@link RegisterTunnel#TLS_NODE} or {@link RegisterTunnel#TLS_PASSTHROUGH}), or null when none is unhealthy.
     */
    public String unhealthyHttps(String host) {
        Set<Unhealthy> u = unhealthyHosts.get("https://" + host);
        return u == null ? null : u.stream().findAny().map(Unhealthy::termination).orElse(null);
    }

    /**
     * Notes the hosts of an http or https tunnel its agent just took off for a failing health check (see
     * {@link #unhealthy}); other types have no hosts and are ignored.
     */
    synchronized void markUnhealthy(Tunnel tunnel) {
        AgentSession session = tunnel.session();
        if (!session.channel().isActive()) {
            return;
        }
        List<String> hosts;
        String termination;
        if (tunnel instanceof HttpTunnel h) {
            hosts = h.hosts();
            termination = h.secure() ? RegisterTunnel.TLS_NODE : null;
        } else if (tunnel instanceof HttpsTunnel h) {
            hosts = h.hosts();
            termination = RegisterTunnel.TLS_PASSTHROUGH;
        } else {
            return;
        }
        String scheme = termination == null ? "http://" : "https://";
        for (String host : hosts) {
            unhealthyHosts.computeIfAbsent(scheme + host.toLowerCase(Locale.ROOT), k -> ConcurrentHashMap.newKeySet())
                    .add(new Unhealthy(session, tunnel.name(), termination));
        }
    }

    /**
     * Forgets an unhealthy tunnel's hosts: its agent removed the tunnel for good (404 from now on, unless another
     * unhealthy member of its group remains), or registered it again.
     */
    synchronized void clearUnhealthy(AgentSession session, String tunnel) {
        forgetUnhealthy(u -> u.session() == session && u.tunnel().equals(tunnel));
    }

    private synchronized void forgetUnhealthy(Predicate<Unhealthy> which) {
        unhealthyHosts.values().forEach(set -> set.removeIf(which));
        unhealthyHosts.values().removeIf(Set::isEmpty);
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
            unhealthyHosts.remove("http://" + host.toLowerCase(Locale.ROOT));
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

    /**
     * The https tunnel serving a host name (lower case): an {@link HttpsTunnel} (TLS passed through) or a
     * {@linkplain HttpTunnel#secure() secure} {@link HttpTunnel} (TLS terminated by the node); null if none.
     */
    public Tunnel httpsTunnel(String host) {
        return httpsByHost.get(host);
    }

    /** Claims every host of a new https tunnel, or none of them. */
    synchronized void claimHttpsHosts(Tunnel tunnel, List<String> hosts) throws TunnelRejectedException {
        for (String host : hosts) {
            Tunnel holder = httpsByHost.get(host);
            if (holder != null) {
                throw new TunnelRejectedException("https host " + host + " is already served by tunnel '"
                        + holder.name() + "' of another agent on this node; choose another subdomain or domain", true);
            }
        }
        for (String host : hosts) {
            httpsByHost.put(host, tunnel);
            unhealthyHosts.remove("https://" + host);
        }
    }

    /**
     * The load-balancing group a registration asks to join, or null when it names none or founds the group (binds
     * the group's address; it becomes a member when ready).
     *
     * @throws TunnelRejectedException for a wrong key, a type without groups, or a group still being set up
     */
    synchronized TunnelGroup<Tunnel> joinableGroup(RegisterTunnel r) throws TunnelRejectedException {
        TunnelPolicy p = r.policy();
        if (p.group() == null) {
            return null;
        }
        String type = r.tunnelType();
        if (!"tcp".equals(type) && !"http".equals(type) && !"https".equals(type)) {
            throw new TunnelRejectedException("load-balancing groups are supported for tcp, http and https tunnels; "
                    + "tunnel '" + r.name() + "' is " + type + "; remove 'group'", false);
        }
        String key = type + "/" + p.group();
        TunnelGroup<Tunnel> g = groups.get(key);
        if (g != null) {
            if (!g.keyMatches(p.groupKey())) {
                throw new TunnelRejectedException("wrong groupKey for " + g + ": the group exists on this node and "
                        + "only tunnels with its key may join; check 'groupKey'", false);
            }
            return g;
        }
        String founder = foundingGroups.get(key);
        if (founder != null) {
            throw new TunnelRejectedException(type + " group '" + p.group() + "' is being set up by tunnel '"
                    + founder + "'; joining it shortly", true);
        }
        foundingGroups.put(key, r.name());
        return null;
    }

    /** Makes a ready tunnel a member of the group its policy names (founding the group if it is the first). */
    synchronized void enterGroup(Tunnel t) {
        TunnelPolicy p = t.policy();
        if (p.group() == null) {
            return;
        }
        String key = t.type() + "/" + p.group();
        foundingGroups.remove(key);
        TunnelGroup<Tunnel> g = groups.computeIfAbsent(key,
                k -> new TunnelGroup<>(t.type(), p.group(), p.groupKey(), Tunnel::admitsConnection));
        g.add(t);
        t.group(g);
    }

    /** Forgets that a registration was founding its group, after it failed. */
    synchronized void abandonGroup(RegisterTunnel r) {
        abandonGroup(r.tunnelType(), r.policy().group(), r.name());
    }

    /** Like {@link #abandonGroup(RegisterTunnel)}: the founder's session closed before its address was ready. */
    synchronized void abandonGroup(String type, String group, String founder) {
        if (group != null) {
            foundingGroups.remove(type + "/" + group, founder);
        }
    }

    /** Takes a closing tunnel out of its group; returns the group's remaining representative, or null if none. */
    synchronized Tunnel leaveGroup(Tunnel t) {
        TunnelGroup<Tunnel> g = t.group();
        if (g == null) {
            return null;
        }
        Tunnel successor = g.remove(t);
        if (successor == null) {
            groups.remove(g.type() + "/" + g.name(), g);
        }
        return successor;
    }

    /**
     * Takes a closing TCP tunnel off its port in one step: out of its group and, when other members remain and it
     * holds the group's port, hands the port and the listener to the member that now represents the group before
     * anyone can see the tunnel gone. Returns the listener to close when the port is released, else null.
     */
    synchronized Channel leaveTcpPort(TcpTunnel t) {
        Channel listener = t.listener();
        Tunnel successor = leaveGroup(t);
        if (successor instanceof TcpTunnel next) {
            if (listener != null) {
                t.listening(null);
                next.listening(listener);
                tcpPorts.bound(t.port(), next);
            }
            return null;
        }
        tcpPorts.release(t.port(), t);
        t.listening(null);
        return listener;
    }

    /**
     * Takes a closing HTTP tunnel off its host names in one step: out of its group and, when other members remain,
     * its host names pass to the member that now represents the group; else they are released.
     */
    synchronized void leaveHosts(HttpTunnel t) {
        Tunnel successor = leaveGroup(t);
        if (successor instanceof HttpTunnel next) {
            for (String host : t.hosts()) {
                httpByHost.replace(host, t, next);
            }
            return;
        }
        releaseHosts(t);
    }

    /** Like {@link #leaveHosts} for an https tunnel (TLS passed through, or terminated by the node). */
    synchronized void leaveHttpsHosts(Tunnel t, List<String> hosts) {
        Tunnel successor = leaveGroup(t);
        for (String host : hosts) {
            if (successor == null) {
                httpsByHost.remove(host, t);
            } else {
                httpsByHost.replace(host, t, successor);
            }
        }
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
