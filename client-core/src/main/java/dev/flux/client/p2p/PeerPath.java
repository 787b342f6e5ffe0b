package dev.flux.client.p2p;

import dev.flux.protocol.control.PeerSession;
import dev.flux.protocol.e2e.E2eRole;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelBootstrap;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How one xtcp visitor reaches its tunnel's owner: a QUIC connection on a punched UDP path when there is one, the
 * node's relay otherwise. The first local connection starts punching; connections that arrive meanwhile wait (at
 * most {@value #ATTEMPT_TIMEOUT_SECONDS} s); when punching fails they and the next ones relay, and the path tries
 * peer to peer again after {@value #RETRY_AFTER_SECONDS} s. A session that dies is set up again by the next
 * connection. On the agent's event loop.
 */
public final class PeerPath {

    private static final Logger log = LoggerFactory.getLogger(PeerPath.class);
    /** The longest a connection waits for the rendezvous, the punching and the QUIC handshake together. */
    static final long ATTEMPT_TIMEOUT_SECONDS = 8;
    /** After a failure, connections relay for this long before peer to peer is tried again. */
    static final long RETRY_AFTER_SECONDS = 60;

    private enum State { IDLE, CONNECTING, CONNECTED, RELAYING, RELAY_ONLY }

    private final PeerSessions sessions;
    private final EventLoop loop;
    private final String name;
    private final String tunnel;
    private final String serverUser;
    private final String secret;
    private final ArrayDeque<Consumer<Channel>> waiting = new ArrayDeque<>();
    private State state = State.IDLE;
    private long relayUntil;
    private PunchSocket socket;
    private QuicChannel quic;
    private ScheduledFuture<?> deadline;
    private long attempt;
    /** Whether the owner closed the current session (rather than it timing out). */
    private boolean closedByOwner;
    /** The owner's address on the current session, for logs. */
    private String peerAddress;

    PeerPath(PeerSessions sessions, EventLoop loop, String name, String tunnel, String serverUser, String secret) {
        this(sessions, loop, name, tunnel, serverUser, secret, QuicSetup.unavailableReason());
    }

    /** @param quicUnavailable why QUIC cannot work here (every connection then relays), or null */
    PeerPath(PeerSessions sessions, EventLoop loop, String name, String tunnel, String serverUser, String secret,
             String quicUnavailable) {
        if (quicUnavailable != null) {
            log.warn("[{}] {}: every connection relays through the node", name, quicUnavailable);
            state = State.RELAY_ONLY;
        }
        this.sessions = sessions;
        this.loop = loop;
        this.name = name;
        this.tunnel = tunnel;
        this.serverUser = serverUser;
        this.secret = secret;
    }

    /**
     * Gets a way to the owner for one local connection: {@code then} receives an active QUIC stream whose pipeline
     * speaks plain buffers (add the visitor's {@code SecretStreamHandler} and relay), or null: relay through the
     * node. On the loop.
     */
    public void stream(Consumer<Channel> then) {
        switch (state) {
            case CONNECTED -> open(then);
            case CONNECTING -> waiting.add(then);
            case RELAYING -> {
                if (System.nanoTime() - relayUntil < 0) {
                    then.accept(null);
                } else {
                    start(then);
                }
            }
            case IDLE -> start(then);
            case RELAY_ONLY -> then.accept(null);
        }
    }

    /** True while local connections go peer to peer. */
    public boolean connected() {
        return state == State.CONNECTED;
    }

    /** True when peer to peer cannot work on this machine and every connection relays. */
    boolean relayOnly() {
        return state == State.RELAY_ONLY;
    }

    private void start(Consumer<Channel> then) {
        state = State.CONNECTING;
        waiting.add(then);
        long mine = ++attempt;
        deadline = loop.schedule(() -> {
            if (attempt == mine && state == State.CONNECTING) {
                failed("peer-to-peer was not set up within " + ATTEMPT_TIMEOUT_SECONDS + " s");
            }
        }, ATTEMPT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!sessions.request(this, tunnel, serverUser)) {
            failed("not connected to the node");
        }
    }

    /** The node set up a session: open the socket, probe, send our candidate. */
    void session(PeerSession s) {
        if (state != State.CONNECTING) {
            return;
        }
        long mine = attempt;
        socket = sessions.socket(s, E2eRole.VISITOR, secret, QuicSetup.client(), new PunchSocket.Events() {
            @Override
            public void punched(InetSocketAddress peer) {
                if (attempt == mine && state == State.CONNECTING) {
                    connect(peer, mine);
                }
            }

            @Override
            public void punchFailed() {
                if (attempt == mine && state == State.CONNECTING) {
                    failed("peer-to-peer failed after " + PunchSocket.PUNCH_WINDOW_MILLIS / 1000
                            + " s (symmetric NAT?)");
                }
            }
        });
        if (socket == null) {
            failed("not connected to the node");
        }
    }

    private void connect(InetSocketAddress peer, long mine) {
        QuicChannelBootstrap bootstrap = QuicChannel.newBootstrap(socket.channel());
        if (QuicSetup.segments() != null) {
            bootstrap.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, QuicSetup.segments());
        }
        bootstrap
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof QuicConnectionCloseEvent && ctx.channel() == quic) {
                            // the owner closed it: new connections must not go to it while QUIC drains it
                            closedByOwner = true;
                            ended(quic);
                        }
                        ctx.fireUserEventTriggered(evt);
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        ended((QuicChannel) ctx.channel());
                        ctx.fireChannelInactive();
                    }
                })
                .streamHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        // the owner opens no streams
                        ctx.close();
                    }
                })
                .remoteAddress(peer)
                .connect()
                .addListener(f -> {
                    if (attempt != mine || state != State.CONNECTING) {
                        if (f.isSuccess()) {
                            ((QuicChannel) f.getNow()).close();
                        }
                        return;
                    }
                    if (!f.isSuccess()) {
                        failed("the QUIC handshake with the owner at " + format(peer) + " failed: "
                                + f.cause().getMessage());
                        return;
                    }
                    quic = (QuicChannel) f.getNow();
                    peerAddress = format(peer);
                    state = State.CONNECTED;
                    deadline.cancel(false);
                    log.info("[{}] connected peer-to-peer to {}", name, format(peer));
                    ScheduledFuture<?> keepalive = loop.scheduleAtFixedRate(() -> {
                        if (quic != null && quic.isActive()) {
                            quic.writeAndFlush(quic.alloc().buffer(1).writeByte(0), quic.voidPromise());
                        }
                    }, QuicSetup.KEEPALIVE_MILLIS, QuicSetup.KEEPALIVE_MILLIS, TimeUnit.MILLISECONDS);
                    quic.closeFuture().addListener(c -> keepalive.cancel(false));
                    for (Consumer<Channel> w; (w = waiting.poll()) != null; ) {
                        open(w);
                    }
                });
    }

    private void open(Consumer<Channel> then) {
        quic.newStreamBootstrap().type(QuicStreamType.BIDIRECTIONAL)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(QuicStreamAdapter.INSTANCE)
                .create()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        then.accept((Channel) f.getNow());
                    } else {
                        log.info("[{}] cannot open a peer-to-peer stream ({}); relaying this connection", name,
                                f.cause().getMessage());
                        then.accept(null);
                    }
                });
    }

    private void ended(QuicChannel channel) {
        if (channel != quic) {
            return;
        }
        if (closedByOwner) {
            log.info("[{}] the owner closed the peer-to-peer session; the next connection sets up a new one or "
                    + "relays through the node", name);
        } else {
            log.warn("[{}] the peer-to-peer session to {} is dead (nothing heard for {} ms); the next connection "
                    + "sets up a new one or relays through the node", name, peerAddress,
                    QuicSetup.IDLE_TIMEOUT_MILLIS);
        }
        closedByOwner = false;
        quic = null;
        state = State.IDLE;
        if (socket != null) {
            socket.close();
            socket = null;
        }
    }

    /** The attempt failed: waiting connections and those of the next {@value #RETRY_AFTER_SECONDS} s relay. */
    void failed(String why) {
        if (state != State.CONNECTING) {
            return;
        }
        log.warn("[{}] {}, relaying through the node", name, why);
        sessions.forget(this);
        state = State.RELAYING;
        relayUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(RETRY_AFTER_SECONDS);
        attempt++;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (socket != null) {
            socket.close();
            socket = null;
        }
        for (Consumer<Channel> w; (w = waiting.poll()) != null; ) {
            w.accept(null);
        }
    }

    void close() {
        if (quic != null) {
            QuicChannel q = quic;
            quic = null; // not "dead": this end is stopping
            q.close();
        }
        if (socket != null) {
            socket.close();
        }
    }

    static String format(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
