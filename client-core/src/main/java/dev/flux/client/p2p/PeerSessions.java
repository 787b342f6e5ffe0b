package dev.flux.client.p2p;

import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.control.PeerCandidates;
import dev.flux.protocol.control.PeerConnect;
import dev.flux.protocol.control.PeerRejected;
import dev.flux.protocol.control.PeerSession;
import dev.flux.protocol.e2e.E2eRole;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's peer-to-peer (xtcp) sessions, both as a visitor ({@link PeerPath}, one per xtcp visitor) and as the
 * owner of xtcp tunnels. Everything runs on the agent's event loop.
 *
 * <p>Sequence: the visitor sends {@link PeerConnect}; the node answers both ends with a {@link PeerSession}; each
 * end binds a UDP socket (wildcard, dual-stack where there is IPv6), probes the node's rendezvous port from it and
 * sends its own {@link PeerCandidates} (every usable interface address, {@link LocalCandidates}); the node sends
 * each end the other's candidates (the public mapping it saw first); both punch them all at once for {@value PunchSocket#PUNCH_WINDOW_MILLIS} ms; the visitor opens QUIC to the first address
 * an authentic punch came from, and every local connection becomes one QUIC stream carrying the same end-to-end
 * handshake and records as a relayed visit.
 */
public final class PeerSessions {

    private static final Logger log = LoggerFactory.getLogger(PeerSessions.class);

    /** The owner's side of an xtcp tunnel of this agent. */
    public interface OwnerTunnel {
        String secret();

        /**
         * Serves one stream a visitor opened peer to peer; the stream's pipeline already speaks plain buffers and
         * ends with {@code StreamFrameAdapter.endStream}, like a relayed visit stream.
         *
         * @param client who the visitor is, for logs
         */
        void serve(Channel stream, String client);
    }

    private final EventLoop loop;
    private final Function<String, OwnerTunnel> ownerTunnels;
    private final Map<Long, PeerPath> requests = new HashMap<>();
    private final Map<String, Consumer<List<String>>> awaitingCandidates = new HashMap<>();
    private final Map<String, PunchSocket> ownerSockets = new HashMap<>();
    /** The owner's live QUIC connections, closed first on shutdown so that visitors learn at once. */
    private final Set<QuicChannel> ownerConnections = new HashSet<>();
    private final List<PeerPath> paths = new ArrayList<>();
    private Consumer<ControlMessage> control;
    private InetAddress nodeAddress;
    private InetAddress localAddress;
    private long nextRequestId;

    /** @param ownerTunnels this agent's xtcp tunnel by name, or null when it has none of that name */
    public PeerSessions(EventLoop loop, Function<String, OwnerTunnel> ownerTunnels) {
        this.loop = loop;
        this.ownerTunnels = ownerTunnels;
    }

    /**
     * The control stream (null while not logged in) and the connection to the node: its remote address (where the
     * rendezvous port is) and local one (where the punch sockets bind). On the loop.
     */
    public void control(Consumer<ControlMessage> control, InetSocketAddress local, InetSocketAddress node) {
        this.control = control;
        this.localAddress = local == null ? null : local.getAddress();
        this.nodeAddress = node == null ? null : node.getAddress();
        if (control == null) {
            for (PeerPath p : new ArrayList<>(requests.values())) {
                p.failed("lost the connection to the node");
            }
            requests.clear();
        }
    }

    /** The path of one xtcp visitor. */
    public PeerPath path(String visitorName, String tunnel, String serverUser, String secret) {
        PeerPath p = new PeerPath(this, loop, visitorName, tunnel, serverUser, secret);
        paths.add(p);
        return p;
    }

    /** Takes the peer-to-peer control messages; false for any other. On the loop. */
    public boolean handle(ControlMessage msg) {
        if (msg instanceof PeerSession s) {
            if (PeerSession.OWNER.equals(s.role())) {
                ownerSession(s);
            } else {
                PeerPath p = requests.remove(s.requestId());
                if (p != null) {
                    p.session(s);
                }
            }
            return true;
        }
        if (msg instanceof PeerCandidates c) {
            Consumer<List<String>> waiting = awaitingCandidates.remove(c.sessionId());
            if (waiting != null) {
                waiting.accept(c.addresses());
            }
            return true;
        }
        if (msg instanceof PeerRejected r) {
            PeerPath p = requests.remove(r.requestId());
            if (p != null) {
                p.failed("the node refused peer-to-peer: " + r.reason());
            }
            return true;
        }
        return false;
    }

    /** Asks the node for a session for {@code path}; false when not connected. */
    boolean request(PeerPath path, String tunnel, String serverUser) {
        if (control == null || nodeAddress == null) {
            return false;
        }
        long id = ++nextRequestId;
        requests.put(id, path);
        control.accept(new PeerConnect(id, tunnel, serverUser));
        return true;
    }

    void forget(PeerPath path) {
        requests.values().removeIf(p -> p == path);
    }

    /** Opens a punch socket for a session and tells the node its host candidates; null when not connected. */
    PunchSocket socket(PeerSession s, E2eRole role, String secret, ChannelHandler quic,
                       PunchSocket.Events events) {
        if (control == null || nodeAddress == null) {
            return null;
        }
        PunchSocket socket = new PunchSocket(loop, role, s, secret,
                new InetSocketAddress(nodeAddress, s.rendezvousPort()), events);
        Consumer<ControlMessage> ctl = control;
        socket.open(quic).addListener(f -> {
            if (!f.isSuccess()) {
                log.warn("[{}] cannot open a UDP socket for peer-to-peer: {}", s.tunnel(), f.cause().toString());
                events.punchFailed();
                return;
            }
            awaitingCandidates.put(s.sessionId(), socket::punch);
            loop.schedule(() -> awaitingCandidates.remove(s.sessionId()), 30, TimeUnit.SECONDS);
            ctl.accept(new PeerCandidates(s.sessionId(), socket.localCandidates(localAddress)));
        });
        return socket;
    }

    /** The owner's end of a session a visitor started. */
    private void ownerSession(PeerSession s) {
        OwnerTunnel tunnel = ownerTunnels.apply(s.tunnel());
        String unavailable = QuicSetup.unavailableReason();
        if (unavailable != null) {
            log.warn("[{}] a visitor asks for peer-to-peer, but {}; it relays through the node", s.tunnel(),
                    unavailable);
            return;
        }
        if (tunnel == null) {
            log.info("[{}] peer-to-peer request for a tunnel that is not an xtcp tunnel of this agent; ignored",
                    s.tunnel());
            return;
        }
        String client = s.peer();
        PunchSocket[] holder = new PunchSocket[1];
        ChannelInitializer<QuicStreamChannel> streams = new ChannelInitializer<>() {
            @Override
            protected void initChannel(QuicStreamChannel stream) {
                stream.pipeline().addLast("quic-stream", QuicStreamAdapter.INSTANCE);
                tunnel.serve(stream, client + " (peer to peer)");
            }
        };
        ChannelInboundHandlerAdapter connection = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ownerConnections.add((QuicChannel) ctx.channel());
                log.info("[{}] visitor {} connected peer-to-peer from {}", s.tunnel(), client,
                        ((QuicChannel) ctx.channel()).remoteSocketAddress());
                if (holder[0] != null) {
                    holder[0].channel().attr(CONNECTED).set(Boolean.TRUE);
                }
                ctx.fireChannelActive();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf keepalive) {
                    // a QUIC datagram: the visitor's keepalive
                    keepalive.release();
                } else {
                    // a new stream, on its way to being registered with the stream handler
                    ctx.fireChannelRead(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                ownerConnections.remove((QuicChannel) ctx.channel());
                log.info("[{}] peer-to-peer session with {} ended", s.tunnel(), client);
                closeOwner(s.sessionId(), holder[0]);
                ctx.fireChannelInactive();
            }
        };
        PunchSocket socket = socket(s, E2eRole.OWNER, tunnel.secret(), QuicSetup.server(connection, streams),
                new PunchSocket.Events() {
                    @Override
                    public void punched(InetSocketAddress peer) {
                        log.info("[{}] punched through to visitor {} at {}", s.tunnel(), client,
                                PeerPath.format(peer));
                    }

                    @Override
                    public void punchFailed() {
                        if (holder[0] != null && connected(holder[0])) {
                            return; // the visitor's QUIC got through although none of its punches did
                        }
                        log.info("[{}] no punch from visitor {} got through; it relays through the node",
                                s.tunnel(), client);
                        closeOwner(s.sessionId(), holder[0]);
                    }
                });
        if (socket == null) {
            return;
        }
        holder[0] = socket;
        ownerSockets.put(s.sessionId(), socket);
        // a punched session the visitor never connects to is given up with the rendezvous session
        loop.schedule(() -> {
            if (ownerSockets.get(s.sessionId()) == socket && !connected(socket)) {
                closeOwner(s.sessionId(), socket);
            }
        }, 30, TimeUnit.SECONDS);
    }

    private static boolean connected(PunchSocket socket) {
        return socket.channel().attr(CONNECTED).get() != null;
    }

    static final AttributeKey<Boolean> CONNECTED = AttributeKey.valueOf("flux.p2p.up");

    private void closeOwner(String sessionId, PunchSocket socket) {
        if (socket != null) {
            ownerSockets.remove(sessionId, socket);
            socket.close();
        }
    }

    /** Closes every session; the agent is stopping. */
    public void close() {
        // CONNECTION_CLOSE to every visitor, before the sockets go: their next connection sets up a new session
        for (QuicChannel c : new ArrayList<>(ownerConnections)) {
            c.close();
        }
        for (PunchSocket s : new ArrayList<>(ownerSockets.values())) {
            s.close();
        }
        ownerSockets.clear();
        for (PeerPath p : paths) {
            p.close();
        }
    }

    /** Tests only: makes every punch socket drop what it receives, so punching fails and visitors relay. */
    public static void dropPunchesForTests(boolean drop) {
        PunchSocket.dropAllForTests = drop;
    }
}
