package dev.flux.node.tunnel;

import dev.flux.protocol.control.TunnelPolicy;
import dev.flux.protocol.stream.StreamHeaders;
import dev.flux.protocol.stream.TrafficCounter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.util.List;

/** A tunnel live on this node: what it exposes, whose session carries it, and its traffic. */
public abstract sealed class Tunnel permits TcpTunnel, HttpTunnel, UdpTunnel, HttpsTunnel, SecretTunnel {

    private final String name;
    private final AgentSession session;
    private final String localAddress;
    private final TrafficCounter counter = new TrafficCounter();
    private volatile Long controlPlaneId;
    private final TunnelLimits limits;
    private volatile TunnelGroup<Tunnel> group;

    Tunnel(String name, AgentSession session, String localAddress) {
        this.name = name;
        this.session = session;
        this.localAddress = localAddress;
        this.limits = session.limitsFor(name);
    }

    public String name() {
        return name;
    }

    public AgentSession session() {
        return session;
    }

    /** The agent's local target as it reported it, e.g. {@code 127.0.0.1:8080}. */
    public String localAddress() {
        return localAddress;
    }

    public TrafficCounter counter() {
        return counter;
    }

    /** The control plane's id of this tunnel; null in standalone mode. */
    public Long controlPlaneId() {
        return controlPlaneId;
    }

    void controlPlaneId(Long id) {
        this.controlPlaneId = id;
    }

    /** The host names an http or https tunnel serves (lower case); empty for other types. */
    public List<String> hosts() {
        return List.of();
    }

    /** Public URLs, e.g. {@code http://web.tunnel.example.com}. */
    public abstract List<String> urls();

    /**
     * Opens a stream to the agent for one public connection; {@code handler} initialises the stream's pipeline.
     * The future completes on the agent connection's event loop.
     */
    public Future<Http2StreamChannel> openStream(String client, ChannelHandler handler) {
        return session.openStream(StreamHeaders.open(kind(), name, client), handler);
    }

    /** The event loop of the agent connection that carries this tunnel's streams. */
    public EventLoop eventLoop() {
        return session.channel().eventLoop();
    }

    /**
     * {@code tcp}, {@code udp}, {@code http} or {@code https}: the stream kind ({@code flux-kind}) of the tunnel's
     * streams.
     */
    abstract String kind();

    /** {@code tcp}, {@code udp}, {@code http}, {@code https}, {@code stcp} or {@code sudp}. */
    public String type() {
        return kind();
    }

    /** True while the per-tunnel connection limit (0 = none) leaves room for one more connection. */
    public boolean admitsConnection() {
        int max = connectionLimit();
        return max <= 0 || counter.openConnections() < max;
    }

    /** The lower of the token's and the tunnel's own connection limits; 0 is none. */
    public int connectionLimit() {
        return TunnelLimits.lowerLimit(session.token().maxConnectionsPerTunnel(), limits.policy().maxConnections());
    }

    /** The tunnel's access, bandwidth and group settings. */
    public TunnelPolicy policy() {
        return limits.policy();
    }

    /** Whether the IP rules admit a visitor; a refusal is counted and logged at debug. */
    public boolean admits(InetSocketAddress visitor) {
        return limits.admits(name, visitor);
    }

    /** UDP: whether a datagram fits the bandwidth limit now; see {@link TunnelLimits#admitsDatagram}. */
    boolean admitsDatagram(int bytes, boolean inbound) {
        return limits.admitsDatagram(bytes, inbound);
    }

    /** Visitors refused by the IP rules since the tunnel started. */
    public long refusedVisitors() {
        return limits.refused();
    }

    /** Puts the bandwidth limit, if any, first on a public connection of this tunnel. */
    public void limitBandwidth(Channel publicChannel) {
        limits.shape(publicChannel);
    }

    /** The member of this tunnel's load-balancing group that takes the next connection; this tunnel if ungrouped. */
    public Tunnel pick() {
        TunnelGroup<Tunnel> g = group;
        Tunnel next = g == null ? null : g.next();
        return next == null ? this : next;
    }

    /** Whether {@code other} is this tunnel or a member of its load-balancing group: one public address. */
    public boolean sameGroupAs(Tunnel other) {
        TunnelGroup<Tunnel> g = group;
        return other == this || g != null && g == other.group;
    }

    /** The load-balancing group this tunnel belongs to, or null. */
    TunnelGroup<Tunnel> group() {
        return group;
    }

    void group(TunnelGroup<Tunnel> group) {
        this.group = group;
    }

    /**
     * Opens a stream for one public connection like {@link #openStream(String, ChannelHandler)}, also naming the
     * node address the visitor reached ({@code server}, {@code ip:port}), which a PROXY protocol header needs.
     */
    public Future<Http2StreamChannel> openStream(String client, String server, ChannelHandler handler) {
        Http2Headers headers = StreamHeaders.open(kind(), name, client);
        if (server != null) {
            headers.set(StreamHeaders.SERVER, server);
        }
        return session.openStream(headers, handler);
    }

    /** Releases what the tunnel holds on the node (a listening port, host names, visitor sessions). */
    abstract void close();
}
