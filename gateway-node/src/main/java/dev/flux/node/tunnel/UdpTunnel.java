package dev.flux.node.tunnel;

import dev.flux.protocol.stream.DatagramFraming;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A UDP tunnel: a UDP port on the node whose visitors each get a session, a stream to the agent that carries the
 * visitor's datagrams one frame each ({@link DatagramFraming}); the agent's replies on that stream go back to the
 * visitor's address from the tunnel's port.
 *
 * <p>A session ends after {@link #sessionIdle()} without a datagram in either direction, and the tunnel holds at
 * most {@link #maxSessions()} at once: datagrams of further visitors are dropped (and counted) until one ends.
 * Nothing queues: a datagram that meets a stream or socket that cannot take it now is dropped and counted, as a
 * router would. The listener, the streams and the expiry all run on the agent connection's event loop, so the
 * tunnel's state needs no locks.
 */
public final class UdpTunnel extends Tunnel {

    private static final Logger log = LoggerFactory.getLogger(UdpTunnel.class);

    /** How long a visitor's session lives without traffic, unless the node is set up otherwise. */
    public static final Duration DEFAULT_SESSION_IDLE =
            Duration.ofSeconds(dev.flux.node.config.NodeConfig.DEFAULT_UDP_SESSION_IDLE_SECONDS);
    /** Sessions one tunnel may hold at once, unless the token's connection limit is lower. */
    public static final int DEFAULT_MAX_SESSIONS = 1024;
    /** Receive buffer per datagram: above the largest UDP payload, so no datagram is cut short. */
    static final int DATAGRAM_BUFFER_SIZE = 65_536;
    /** Kernel socket buffers of the tunnel's port (capped by the system's maximum), for bursts of many visitors. */
    static final int SOCKET_BUFFER_SIZE = 4 * 1024 * 1024;
    private static final long MIN_SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_SWEEP_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final int port;
    private final String url;
    private final UdpSessionTable<UdpPeer> sessions;
    /** Sessions written to during the current read batch of the listener, flushed when the batch ends. */
    private final List<UdpPeer> unflushed = new ArrayList<>();
    private final LongAdder droppedAtSessionLimit = new LongAdder();
    private final LongAdder droppedTowardAgent = new LongAdder();
    private final LongAdder droppedTowardVisitors = new LongAdder();
    private Channel listener;
    private ScheduledFuture<?> sweeper;
    private boolean closed;
    private boolean sessionLimitLogged;
    private boolean refusalLogged;

    UdpTunnel(String name, AgentSession session, String localAddress, int port, String publicHost, int maxSessions,
              Duration sessionIdle) {
        super(name, session, localAddress);
        this.port = port;
        this.url = "udp://" + publicHost + ":" + port;
        this.sessions = new UdpSessionTable<>(maxSessions, sessionIdle.toNanos());
    }

    /**
     * The node address visitors send to ({@code ip:port}; the wildcard address when the port listens on every
     * interface), for the agent's PROXY protocol header; null before the port is bound.
     */
    String serverAddress() {
        Channel l = listener;
        return l == null || l.localAddress() == null ? null : AgentSession.address(l.localAddress());
    }

    public int port() {
        return port;
    }

    @Override
    String kind() {
        return "udp";
    }

    @Override
    public List<String> urls() {
        return List.of(url);
    }

    public int maxSessions() {
        return sessions.maxSessions();
    }

    public Duration sessionIdle() {
        return Duration.ofNanos(sessions.idleNanos());
    }

    /** Visitor sessions open now; readable from any thread. */
    public long openSessions() {
        return counter().openConnections();
    }

    /** Datagrams of new visitors dropped because the tunnel held {@link #maxSessions()} sessions. */
    public long droppedAtSessionLimit() {
        return droppedAtSessionLimit.sum();
    }

    /**
     * Datagrams from visitors dropped on their way to the agent: the session's stream could not take them (its
     * flow-control window full, or still opening with a handful already waiting), or they were larger than
     * {@link DatagramFraming#MAX_DATAGRAM_LENGTH}.
     */
    public long droppedTowardAgent() {
        return droppedTowardAgent.sum();
    }

    /** Replies from the agent dropped because the tunnel's socket could not send them at once. */
    public long droppedTowardVisitors() {
        return droppedTowardVisitors.sum();
    }

    /** Handles the datagrams arriving on the tunnel's port. */
    ChannelHandler visitorHandler() {
        return new VisitorDatagrams();
    }

    /** Called on the event loop once the port is bound; starts expiring idle sessions. */
    void listening(Channel listener) {
        this.listener = listener;
        session().server().openChannels().add(listener);
        long sweep = Math.min(MAX_SWEEP_NANOS, Math.max(MIN_SWEEP_NANOS, sessions.idleNanos() / 4));
        sweeper = listener.eventLoop().scheduleAtFixedRate(this::expireIdleSessions, sweep, sweep,
                TimeUnit.NANOSECONDS);
    }

    @Override
    void close() {
        closed = true;
        session().registry().udpPorts().release(port(), this);
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (listener != null) {
            listener.close();
        }
        for (UdpPeer peer : sessions.clear()) {
            peer.close();
        }
        long dropped = droppedAtSessionLimit() + droppedTowardAgent() + droppedTowardVisitors();
        if (dropped > 0) {
            log.info("[{}] dropped {} datagrams in its lifetime ({} at the session limit, {} toward the agent, {} "
                    + "toward visitors)", name(), dropped, droppedAtSessionLimit(), droppedTowardAgent(),
                    droppedTowardVisitors());
        }
    }

    private void expireIdleSessions() {
        for (UdpPeer peer : sessions.expire(System.nanoTime())) {
            log.debug("[{}] session of {} expired after {} ms without traffic", name(), peer.client(),
                    TimeUnit.NANOSECONDS.toMillis(sessions.idleNanos()));
            peer.close();
        }
    }

    /** A session's stream has closed, or never opened: it no longer counts against the limit. */
    void sessionEnded(UdpPeer peer) {
        sessions.remove(peer.visitor(), peer);
        counter().connectionClosed();
    }

    /** The agent answered a session's stream: {@code error} is null when it reached the local service. */
    void sessionAnswered(UdpPeer peer, String error) {
        if (error == null) {
            refusalLogged = false;
        } else if (!refusalLogged) {
            refusalLogged = true;
            log.info("[{}] the agent cannot serve datagrams from {}: {}", name(), peer.client(), error);
        } else {
            log.debug("[{}] the agent cannot serve datagrams from {}: {}", name(), peer.client(), error);
        }
    }

    void droppedTowardAgent(int datagrams) {
        droppedTowardAgent.add(datagrams);
    }

    /** Sends a reply from the agent to its visitor; takes ownership of {@code datagram}. */
    void reply(UdpPeer peer, ByteBuf datagram) {
        sessions.touch(peer.visitor(), System.nanoTime());
        Channel l = listener;
        if (l == null || !l.isActive() || !l.isWritable() || !admitsDatagram(datagram.readableBytes(), false)) {
            datagram.release();
            droppedTowardVisitors.increment();
            return;
        }
        counter().addOut(datagram.readableBytes());
        l.write(new DatagramPacket(datagram, peer.visitor()), l.voidPromise());
    }

    /** Sends the replies written since the last flush; called when a stream's read batch ends. */
    void flushReplies() {
        Channel l = listener;
        if (l != null) {
            l.flush();
        }
    }

    private void fromVisitor(DatagramPacket packet) {
        ByteBuf datagram = packet.content();
        InetSocketAddress visitor = packet.sender();
        if (closed) {
            packet.release();
            return;
        }
        if (datagram.readableBytes() > DatagramFraming.MAX_DATAGRAM_LENGTH) {
            // only IPv6 carries such datagrams; the framing (and IPv4 on the agent's side) cannot
            packet.release();
            droppedTowardAgent.increment();
            return;
        }
        long now = System.nanoTime();
        UdpPeer peer = sessions.touch(visitor, now);
        if (peer == null) {
            peer = newSession(visitor, now);
            if (peer == null) {
                packet.release();
                return;
            }
        }
        int length = datagram.readableBytes();
        if (!admitsDatagram(length, true)) {
            packet.release();
            droppedTowardAgent.increment();
            return;
        }
        if (peer.send(datagram)) {
            counter().addIn(length);
            if (peer.markUnflushed()) {
                unflushed.add(peer);
            }
        } else {
            droppedTowardAgent.increment();
        }
    }

    private UdpPeer newSession(InetSocketAddress visitor, long now) {
        if (!admits(visitor)) {
            return null;
        }
        UdpPeer peer = new UdpPeer(this, visitor);
        if (!sessions.add(visitor, peer, now)) {
            droppedAtSessionLimit.increment();
            if (!sessionLimitLogged) {
                sessionLimitLogged = true;
                log.warn("[{}] {} visitor sessions are open, the tunnel's limit; datagrams of new visitors are "
                        + "dropped (and counted) until sessions expire after {} s idle. Logged once per tunnel.",
                        name(), sessions.maxSessions(), TimeUnit.NANOSECONDS.toSeconds(sessions.idleNanos()));
            }
            return null;
        }
        counter().connectionOpened();
        peer.open();
        return peer;
    }

    /** The handler of the tunnel's port. */
    private final class VisitorDatagrams extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof DatagramPacket packet) {
                fromVisitor(packet);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            for (UdpPeer peer : unflushed) {
                peer.flush();
            }
            unflushed.clear();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a datagram socket keeps working after an error on one datagram
            log.debug("[{}] UDP port {}: {}", name(), port, TunnelServer.describe(cause));
        }
    }
}
