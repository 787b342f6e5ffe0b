package dev.flux.client.p2p;

import dev.flux.protocol.control.PeerSession;
import dev.flux.protocol.e2e.E2eRole;
import dev.flux.protocol.e2e.SecretKeys;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.p2p.PeerPacket;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP socket of one end of a peer-to-peer session, on the agent's event loop: it probes the node's rendezvous
 * port (so the node sees this socket's public mapping), punches every candidate of the other end until one
 * authentic punch or ack comes back, and then carries QUIC to that address. Punch datagrams are filtered out in
 * front of the QUIC codec; once the peer is known, datagrams from anyone else are dropped.
 */
final class PunchSocket {

    private static final Logger log = LoggerFactory.getLogger(PunchSocket.class);
    static final long PROBE_INTERVAL_MILLIS = 200;
    static final int MAX_PROBES = 25;
    static final long PUNCH_INTERVAL_MILLIS = 200;
    /** How long the ends punch before giving up (the visitor then relays through the node). */
    static final long PUNCH_WINDOW_MILLIS = 3_000;

    /** Asked for; the kernel caps it at net.core.rmem_max / wmem_max. */
    static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    /** Tests only: while true, every socket drops what it receives, so punching fails. */
    static volatile boolean dropAllForTests;

    /** What becomes of the punching; on the loop. */
    interface Events {
        void punched(InetSocketAddress peer);

        void punchFailed();
    }

    private final EventLoop loop;
    private final E2eRole role;
    private final byte[] sessionId;
    private final String tunnel;
    private final byte[] punchKey;
    private final InetSocketAddress rendezvous;
    private final Events events;
    private Channel channel;
    private final List<InetSocketAddress> candidates = new ArrayList<>();
    private InetSocketAddress peer;
    private ScheduledFuture<?> prober;
    private ScheduledFuture<?> puncher;
    private ScheduledFuture<?> keepalive;
    private boolean closed;

    PunchSocket(EventLoop loop, E2eRole role, PeerSession session, String secret, InetSocketAddress rendezvous,
                Events events) {
        this.loop = loop;
        this.role = role;
        this.sessionId = PeerPacket.sessionId(session.sessionId());
        this.tunnel = session.tunnel();
        this.punchKey = SecretKeys.punchKey(secret, session.tunnel(), sessionId);
        this.rendezvous = rendezvous;
        this.events = events;
    }

    /**
     * Binds a socket on the wildcard address (IPv6 and IPv4 where the system has both) with {@code quicCodec} behind
     * the punch filter, and starts probing the rendezvous port.
     */
    ChannelFuture open(ChannelHandler quicCodec) {
        Bootstrap b = new Bootstrap().group(loop).channel(Transports.datagramChannel())
                // QUIC sends in bursts: a small socket buffer drops them, and loss halves the congestion window
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
        ChannelFuture bind = b
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void handlerAdded(ChannelHandlerContext ctx) {
                        ctx.pipeline().addLast("punch", new PunchFilter());
                        ctx.pipeline().addLast("quic", quicCodec);
                        ctx.pipeline().remove(this);
                    }
                })
                .bind(new InetSocketAddress(0));
        channel = bind.channel();
        bind.addListener(f -> {
            if (f.isSuccess() && !closed) {
                prober = loop.scheduleAtFixedRate(new Runnable() {
                    int sent;

                    @Override
                    public void run() {
                        if (++sent > MAX_PROBES || !candidates.isEmpty()) {
                            prober.cancel(false);
                            return;
                        }
                        send(PeerPacket.probe(channel.alloc(), sessionId, role), rendezvous);
                    }
                }, 0, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
            }
        });
        return bind;
    }

    Channel channel() {
        return channel;
    }

    /**
     * This end's host candidates ({@code host:port}): every usable interface address with the socket's port,
     * {@code first} (the address the agent reaches the node from) in front.
     */
    List<String> localCandidates(InetAddress first) {
        InetSocketAddress a = (InetSocketAddress) channel.localAddress();
        return LocalCandidates.gather(first, a.getPort(), a.getAddress() instanceof Inet6Address);
    }

    /** The other end's candidates arrived: punch them all for {@value #PUNCH_WINDOW_MILLIS} ms. */
    void punch(List<String> addresses) {
        if (closed || !candidates.isEmpty()) {
            return;
        }
        for (String a : addresses) {
            InetSocketAddress c = parse(a);
            if (c != null) {
                candidates.add(c);
            }
        }
        if (candidates.isEmpty()) {
            events.punchFailed();
            return;
        }
        log.info("[{}] punching {} candidate address{} of the {}: {}", tunnel, candidates.size(),
                candidates.size() == 1 ? "" : "es", role == E2eRole.VISITOR ? "owner" : "visitor", addresses);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PUNCH_WINDOW_MILLIS);
        puncher = loop.scheduleAtFixedRate(() -> {
            if (peer != null || closed) {
                puncher.cancel(false);
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                puncher.cancel(false);
                events.punchFailed();
                return;
            }
            for (InetSocketAddress c : candidates) {
                send(PeerPacket.punch(channel.alloc(), PeerPacket.Type.PUNCH, sessionId, role, punchKey), c);
            }
        }, 0, PUNCH_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(hostPort.substring(colon + 1));
            // an address literal: no name lookup happens here
            return port > 0 && port <= 65535 && (host.indexOf(':') >= 0 || host.matches("[0-9.]+"))
                    ? new InetSocketAddress(InetAddress.getByName(host), port) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private void send(ByteBuf datagram, InetSocketAddress to) {
        if (channel.isActive()) {
            channel.writeAndFlush(new DatagramPacket(datagram, to), channel.voidPromise());
        } else {
            datagram.release();
        }
    }

    void close() {
        closed = true;
        for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {prober, puncher, keepalive}) {
            if (f != null) {
                f.cancel(false);
            }
        }
        if (channel != null) {
            channel.close();
        }
    }

    private void chosen(InetSocketAddress sender) {
        peer = sender;
        if (puncher != null) {
            puncher.cancel(false);
        }
        send(PeerPacket.punch(channel.alloc(), PeerPacket.Type.ACK, sessionId, role, punchKey), sender);
        keepalive = loop.scheduleAtFixedRate(() -> send(PeerPacket.punch(channel.alloc(), PeerPacket.Type.ACK,
                sessionId, role, punchKey), peer), QuicSetup.KEEPALIVE_MILLIS, QuicSetup.KEEPALIVE_MILLIS,
                TimeUnit.MILLISECONDS);
        events.punched(sender);
    }

    /** Takes the punch datagrams out of the socket's input; QUIC gets the rest (only the peer's, once known). */
    private final class PunchFilter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof DatagramPacket packet) || closed || dropAllForTests) {
                ReferenceCountUtil.release(msg);
                return;
            }
            PeerPacket.Decoded d = PeerPacket.decode(packet.content());
            InetSocketAddress sender = packet.sender();
            if (d == null || d.type() == PeerPacket.Type.PROBE) {
                if (d == null && (peer == null || peer.equals(sender))) {
                    ctx.fireChannelRead(msg);
                } else {
                    packet.release();
                }
                return;
            }
            packet.release();
            boolean ours = Arrays.equals(d.sessionId(), sessionId) && d.role() != role
                    && d.authentic(punchKey);
            if (!ours) {
                log.debug("[{}] dropped an unauthentic punch from {}", tunnel, sender);
                return;
            }
            if (d.type() == PeerPacket.Type.PUNCH) {
                send(PeerPacket.punch(ctx.alloc(), PeerPacket.Type.ACK, sessionId, role, punchKey), sender);
            }
            if (peer == null) {
                chosen(sender);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.debug("[{}] punch socket: {}", tunnel, cause.toString());
        }
    }
}
