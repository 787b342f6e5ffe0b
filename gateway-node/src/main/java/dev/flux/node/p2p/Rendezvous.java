package dev.flux.node.p2p;

import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.control.PeerCandidates;
import dev.flux.protocol.control.PeerSession;
import dev.flux.protocol.e2e.E2eRole;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.p2p.PeerPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's part in peer-to-peer (xtcp) sessions: a UDP port where the visitor and the owner each send a probe
 * from the socket they will punch with, so the node learns the public address their NAT gave that socket; it then
 * hands each end the other's candidates (that observed address first, then the end's own interface addresses) over
 * the control streams. The node never sees the peer-to-peer traffic itself.
 *
 * <p>A session lives {@value #SESSION_TTL_SECONDS} s: long enough to punch, after which its id is worthless.
 */
public final class Rendezvous {

    private static final Logger log = LoggerFactory.getLogger(Rendezvous.class);
    static final long SESSION_TTL_SECONDS = 30;
    /** The most candidates taken from one end (agents offer every interface address; a few are plenty). */
    static final int MAX_CANDIDATES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One end of a session as the node's control side knows it.
     *
     * @param key  identifies the agent connection (candidates are accepted only from it)
     * @param name for logs and for the other end's {@link PeerSession#peer()}
     * @param send sends a control message to that agent (any thread)
     */
    public record Peer(Object key, String name, Consumer<ControlMessage> send) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private Channel channel;

    /** Binds the rendezvous UDP port; returns the bound address. */
    public InetSocketAddress start(EventLoopGroup group, String bindAddr, int port) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(Transports.datagramChannel())
                .handler(new Probes())
                .bind(bindAddr, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
        log.info("peer-to-peer rendezvous on {}:{}/udp", bound.getAddress().getHostAddress(), bound.getPort());
        return bound;
    }

    /** The bound port; -1 before {@link #start}. */
    public int port() {
        return channel == null ? -1 : ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public void stop() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        sessions.clear();
    }

    /**
     * Starts a session between a visitor and the owner of tunnel {@code tunnel}: both get a {@link PeerSession}
     * with a fresh session id.
     */
    public void open(String tunnel, long requestId, Peer visitor, Peer owner) {
        byte[] id = new byte[PeerPacket.SESSION_ID_LENGTH];
        RANDOM.nextBytes(id);
        String sessionId = HexFormat.of().formatHex(id);
        Session s = new Session(tunnel, sessionId, visitor, owner);
        sessions.put(sessionId, s);
        channel.eventLoop().schedule(() -> sessions.remove(sessionId, s), SESSION_TTL_SECONDS, TimeUnit.SECONDS);
        log.info("[{}] peer-to-peer session {} between visitor {} and owner {}", tunnel, shortId(sessionId),
                visitor.name(), owner.name());
        int port = port();
        owner.send().accept(new PeerSession(0, tunnel, sessionId, PeerSession.OWNER, port, visitor.name()));
        visitor.send().accept(new PeerSession(requestId, tunnel, sessionId, PeerSession.VISITOR, port, owner.name()));
    }

    /** An agent's own candidates; ignored unless it is an end of that session. */
    public void candidates(Object agentKey, PeerCandidates c) {
        Session s = sessions.get(c.sessionId());
        if (s == null) {
            log.debug("candidates for unknown or expired peer-to-peer session {}", c.sessionId());
            return;
        }
        E2eRole role = s.visitor.key() == agentKey ? E2eRole.VISITOR : s.owner.key() == agentKey ? E2eRole.OWNER
                : null;
        if (role == null) {
            log.info("[{}] candidates for session {} from an agent that is not part of it; ignored", s.tunnel,
                    shortId(s.id));
            return;
        }
        s.update(role, null, c.addresses());
    }

    static String shortId(String sessionId) {
        return sessionId.substring(0, Math.min(8, sessionId.length()));
    }

    /** Reads probes; anything else on this port is dropped. */
    private final class Probes extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            PeerPacket.Decoded d = PeerPacket.decode(packet.content());
            if (d == null || d.type() != PeerPacket.Type.PROBE) {
                return;
            }
            Session s = sessions.get(d.session());
            if (s != null) {
                s.update(d.role(), packet.sender(), null);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("rendezvous socket: {}", cause.toString());
        }
    }

    /** What the node knows of one session; the two ends' data arrive on different threads. */
    private final class Session {
        final String tunnel;
        final String id;
        final Peer visitor;
        final Peer owner;
        final InetSocketAddress[] observed = new InetSocketAddress[2];
        final List<List<String>> locals = new ArrayList<>(Arrays.asList(null, null));
        boolean sent;

        Session(String tunnel, String id, Peer visitor, Peer owner) {
            this.tunnel = tunnel;
            this.id = id;
            this.visitor = visitor;
            this.owner = owner;
        }

        void update(E2eRole role, InetSocketAddress probeFrom, List<String> localAddresses) {
            List<String> forVisitor;
            List<String> forOwner;
            synchronized (this) {
                int i = role.ordinal();
                if (probeFrom != null && observed[i] == null) {
                    observed[i] = probeFrom;
                    log.info("[{}] session {}: the {} is seen at {}", tunnel, shortId(id),
                            role.name().toLowerCase(Locale.ROOT), format(probeFrom));
                }
                if (localAddresses != null && locals.get(i) == null) {
                    locals.set(i, List.copyOf(localAddresses.subList(0,
                            Math.min(MAX_CANDIDATES, localAddresses.size()))));
                }
                if (sent || observed[0] == null || observed[1] == null || locals.get(0) == null
                        || locals.get(1) == null) {
                    return;
                }
                sent = true;
                forVisitor = candidates(E2eRole.OWNER);
                forOwner = candidates(E2eRole.VISITOR);
            }
            sessions.remove(id, this);
            owner.send().accept(new PeerCandidates(id, forOwner));
            visitor.send().accept(new PeerCandidates(id, forVisitor));
        }

        /** The candidates of {@code of}: the observed address first, then its interface addresses. */
        private List<String> candidates(E2eRole of) {
            List<String> out = new ArrayList<>();
            out.add(format(observed[of.ordinal()]));
            for (String a : locals.get(of.ordinal())) {
                if (!out.contains(a)) {
                    out.add(a);
                }
            }
            return out;
        }
    }

    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
    }
}
