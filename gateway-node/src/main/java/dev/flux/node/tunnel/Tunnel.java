package dev.flux.node.tunnel;

import dev.flux.protocol.stream.StreamHeaders;
import dev.flux.protocol.stream.TrafficCounter;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.util.List;

/** A tunnel live on this node: what it exposes, whose session carries it, and its traffic. */
public abstract sealed class Tunnel permits TcpTunnel, HttpTunnel, UdpTunnel, SecretTunnel {

    private final String name;
    private final AgentSession session;
    private final String localAddress;
    private final TrafficCounter counter = new TrafficCounter();
    private volatile Long controlPlaneId;

    Tunnel(String name, AgentSession session, String localAddress) {
        this.name = name;
        this.session = session;
        this.localAddress = localAddress;
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

    /** {@code tcp}, {@code udp} or {@code http}: the stream kind ({@code flux-kind}) of the tunnel's streams. */
    abstract String kind();

    /** True while the per-tunnel connection limit (0 = none) leaves room for one more connection. */
    public boolean admitsConnection() {
        int max = session.token().maxConnectionsPerTunnel();
        return max <= 0 || counter.openConnections() < max;
    }

    /** Releases what the tunnel holds on the node (a listening port, host names, visitor sessions). */
    abstract void close();
}
