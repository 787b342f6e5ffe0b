package dev.flux.client;

import dev.flux.client.config.AgentConfig;
import dev.flux.client.config.TlsConfig;
import dev.flux.client.config.TunnelConfig;
import dev.flux.client.p2p.PeerSessions;
import dev.flux.protocol.e2e.E2eRole;
import dev.flux.protocol.e2e.SecretStreamHandler;
import dev.flux.protocol.FluxVersion;
import dev.flux.protocol.control.ControlMessage;
import dev.flux.protocol.control.Login;
import dev.flux.protocol.control.LoginAccepted;
import dev.flux.protocol.control.LoginRejected;
import dev.flux.protocol.control.TunnelClosed;
import dev.flux.protocol.control.TunnelReady;
import dev.flux.protocol.control.TunnelRejected;
import dev.flux.protocol.control.UnregisterTunnel;
import dev.flux.protocol.control.VisitRejected;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.tls.Fingerprint;
import dev.flux.protocol.tls.NodeCertificateMismatchException;
import dev.flux.protocol.tls.NodeTrust;
import dev.flux.protocol.tls.TlsContexts;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent: keeps one TLS connection to a node, registers the configured tunnels on it and serves their streams
 * by dialling the local services. It reconnects with exponential backoff and jitter (also when the very first
 * connect fails) and restores every tunnel on the same URL or port. Only a rejected token or an untrusted node
 * certificate stop it: {@link #terminated()} then completes with an {@link AgentException}.
 *
 * <p>All connection and tunnel state lives on one event loop; the local connections of a stream run on the same
 * loop, so relaying never hops threads.
 */
public final class Agent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final AgentConfig config;
    private final AgentListener listener;
    private final NodeTrust trust;
    private final SslContext sslContext;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Map<String, TunnelHandle> tunnels = new LinkedHashMap<>();
    private final String runId = UUID.randomUUID().toString();
    private final Backoff backoff = new Backoff(500, 30_000);
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    /** The node connection and every local connection, closed before the event loop stops. */
    private final ChannelGroup openChannels = new DefaultChannelGroup("flux-agent", GlobalEventExecutor.INSTANCE);
    private Channel channel;
    private Channel control;
    private boolean stopping;
    private boolean loggedIn;
    private volatile HttpExchangeListener httpObserver;
    private final Visits visits;
    private final PeerSessions peers;

    /**
     * @throws AgentException of kind {@link AgentException.Kind#CONFIG} when the trust settings cannot be used
     */
    public Agent(AgentConfig config, AgentListener listener) {
        this.config = config;
        this.listener = listener;
        this.trust = trust(config.tls());
        try {
            this.sslContext = TlsContexts.forAgent(trust);
        } catch (IOException e) {
            throw new AgentException(AgentException.Kind.CONFIG, e.getMessage());
        }
        for (TunnelConfig t : config.tunnels()) {
            tunnels.put(t.name(), new TunnelHandle(t));
        }
        this.group = Transports.newGroup(1, "flux-agent");
        this.loop = group.next();
        this.peers = new PeerSessions(loop, this::ownerTunnel);
        this.visits = new Visits(loop, openChannels, config.visitors(), listener, peers);
    }

    private static NodeTrust trust(TlsConfig tls) {
        if (tls.insecureSkipVerify()) {
            return new NodeTrust.InsecureSkipVerify();
        }
        if (tls.fingerprint() != null) {
            try {
                return new NodeTrust.Pinned(Fingerprint.parse(tls.fingerprint()));
            } catch (IllegalArgumentException e) {
                throw new AgentException(AgentException.Kind.CONFIG, "tls." + e.getMessage());
            }
        }
        if (tls.caFile() != null) {
            return new NodeTrust.CaBundle(tls.caFile());
        }
        return new NodeTrust.SystemCas();
    }

    /**
     * Starts connecting; returns at once, after opening the visitors' local ports.
     *
     * @throws AgentException of kind CONFIG when a visitor's port cannot be opened
     */
    public void start() {
        try {
            visits.bind();
        } catch (AgentException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            terminated.completeExceptionally(e);
            throw e;
        }
        if (trust instanceof NodeTrust.InsecureSkipVerify) {
            log.warn("tls.insecureSkipVerify is on: the node's certificate is NOT verified and anyone on the path can "
                    + "read and change this agent's traffic. Use it for tests only.");
        }
        loop.execute(() -> {
            tunnels.values().forEach(this::startHealthCheck);
            connect();
        });
    }

    /** Starts a tunnel's health check, if it has one; on the event loop. */
    private void startHealthCheck(TunnelHandle t) {
        if (t.config.healthCheck() == null || t.healthChecker != null) {
            return;
        }
        t.healthChecker = new HealthChecker(t.config.name(), t.config.localIp(), t.config.localPort(),
                t.config.healthCheck(), loop, (healthy, reason) -> healthChanged(t, healthy, reason));
        t.healthChecker.start();
    }

    /**
     * Takes a tunnel off the node while its local service is unhealthy (out of its load-balancing group, so the
     * node sends its connections to the healthy members) and registers it again once the service recovers.
     */
    private void healthChanged(TunnelHandle t, boolean healthy, String reason) {
        if (tunnels.get(t.config.name()) != t) {
            return;
        }
        t.healthy = healthy;
        if (!healthy) {
            log.warn("[{}] local service unhealthy: {}; taking the tunnel off the node", t.config.name(), reason);
            t.state = TunnelState.UNHEALTHY;
            t.error = reason;
            t.urls = List.of();
            if (loggedIn && control != null) {
                control.writeAndFlush(new UnregisterTunnel(t.config.name(), UnregisterTunnel.UNHEALTHY));
            }
        } else {
            log.info("[{}] local service healthy again; putting the tunnel back", t.config.name());
            t.state = TunnelState.CONNECTING;
            t.error = null;
            if (loggedIn) {
                register(t);
            }
        }
        listener.tunnelChanged(t.status());
    }

    /**
     * Adds a tunnel to the running agent: registered at once on the current connection (no reconnect), and after
     * every reconnect like the configured ones. Waits briefly for the agent's event loop: never call it on that loop.
     *
     * @throws IllegalArgumentException if the agent already has a tunnel of that name
     */
    public void addTunnel(TunnelConfig tunnel) {
        CompletableFuture<Void> added = new CompletableFuture<>();
        loop.execute(() -> {
            if (tunnels.containsKey(tunnel.name())) {
                added.completeExceptionally(new IllegalArgumentException(
                        "this agent already has a tunnel named '" + tunnel.name() + "'"));
                return;
            }
            TunnelHandle t = new TunnelHandle(tunnel);
            tunnels.put(tunnel.name(), t);
            added.complete(null);
            startHealthCheck(t);
            log.info("[{}] tunnel added", tunnel.name());
            listener.tunnelChanged(t.status());
            if (loggedIn) {
                register(t);
            }
        });
        try {
            added.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw (IllegalArgumentException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            throw new IllegalStateException("the agent did not take the tunnel '" + tunnel.name() + "' within 5 s");
        }
    }

    /**
     * Removes a tunnel from the running agent: the node stops routing to it and its open connections close, the
     * connection and the other tunnels stay as they are. Returns at once; unknown names are ignored.
     */
    public void removeTunnel(String name) {
        loop.execute(() -> {
            TunnelHandle t = tunnels.remove(name);
            if (t == null) {
                return;
            }
            if (t.healthChecker != null) {
                t.healthChecker.stop();
            }
            log.info("[{}] tunnel removed", name);
            if (loggedIn && control != null) {
                control.writeAndFlush(new UnregisterTunnel(name));
            }
        });
    }

    /** The names of the tunnels the agent holds now. */
    public List<String> tunnelNames() {
        return status().stream().map(TunnelStatus::name).toList();
    }

    /**
     * Reports every HTTP request served by an http tunnel to {@code observer} (null: stop). Off by default: only
     * then is the relayed HTTP/1.1 decoded, so the normal path pays nothing. Applies to connections opened later.
     */
    public void observeHttp(HttpExchangeListener observer) {
        this.httpObserver = observer;
    }

    HttpExchangeListener httpObserver() {
        return httpObserver;
    }

    /** The local addresses the visitors listen on, in configuration order; empty without visitors. */
    public List<java.net.InetSocketAddress> visitorAddresses() {
        return visits.addresses();
    }

    Visits visits() {
        return visits;
    }

    /** Completes when the agent stops: normally after {@link #close()}, exceptionally on a fatal error. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** A snapshot of every tunnel, in configuration order. */
    public List<TunnelStatus> status() {
        if (loop.inEventLoop()) {
            return snapshot();
        }
        try {
            return loop.submit(this::snapshot).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return List.of();
        }
    }

    private List<TunnelStatus> snapshot() {
        List<TunnelStatus> out = new ArrayList<>();
        for (TunnelHandle t : tunnels.values()) {
            out.add(t.status());
        }
        return out;
    }

    /** Stops the agent: closes the connection and with it every tunnel. Safe to call more than once. */
    @Override
    public void close() {
        if (!group.isShuttingDown()) {
            try {
                loop.submit(() -> {
                    stopping = true;
                    peers.close();
                }).get(5, TimeUnit.SECONDS);
                openChannels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // the loop is already stopping (a fatal error): nothing left to close
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
        terminated.complete(null);
    }

    private void connect() {
        if (stopping) {
            return;
        }
        String host = config.tls().serverName() != null ? config.tls().serverName() : config.serverAddr();
        Bootstrap b = new Bootstrap()
                .group(loop)
                .channel(Transports.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        openChannels.add(ch);
                        SslHandler ssl = sslContext.newHandler(ch.alloc(), host, config.serverPort());
                        if (TlsContexts.requiresHostnameVerification(trust)) {
                            SSLEngine engine = ssl.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                        }
                        ssl.setHandshakeTimeout(10, TimeUnit.SECONDS);
                        ch.pipeline().addLast("tls", ssl);
                        ch.pipeline().addLast("alpn", new NodeConnection(Agent.this));
                    }
                });
        String target = config.serverAddr() + ":" + config.serverPort();
        b.connect(config.serverAddr(), config.serverPort()).addListener(f -> {
            if (!f.isSuccess()) {
                String cause = f.cause().getMessage() == null ? f.cause().toString() : f.cause().getMessage();
                scheduleReconnect("cannot connect to node " + target + ": " + cause);
                return;
            }
            channel = ((io.netty.channel.ChannelFuture) f).channel();
            // handled a turn later, so that a handshake failure on this connection is known first
            channel.closeFuture().addListener(c -> loop.execute(this::disconnected));
        });
    }

    private void disconnected() {
        if (stopping) {
            return;
        }
        channel = null;
        control = null;
        visits.control(null);
        peers.control(null, null, null);
        boolean wasLoggedIn = loggedIn;
        loggedIn = false;
        for (TunnelHandle t : tunnels.values()) {
            if (t.healthy && (t.state == TunnelState.READY || t.state == TunnelState.CONNECTING)) {
                t.state = TunnelState.RECONNECTING;
                listener.tunnelChanged(t.status());
            }
        }
        if (!stopping) {
            scheduleReconnect(wasLoggedIn ? "lost the connection to the node" : "the connection to the node closed");
        }
    }

    private void scheduleReconnect(String why) {
        if (stopping) {
            return;
        }
        long delay = backoff.nextDelayMillis();
        String detail = why + "; retrying in " + String.format("%.1f", delay / 1000.0) + " s";
        log.warn(detail);
        listener.connectionChanged(false, detail);
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    void connectionFailed(String detail) {
        log.warn(detail);
    }

    void handshakeFailed(Channel ch, Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof NodeCertificateMismatchException) {
                fatal(AgentException.Kind.NODE_UNTRUSTED, "cannot trust the node at " + config.serverAddr() + ":"
                        + config.serverPort() + ": " + c.getMessage());
                return;
            }
            String m = c.getMessage();
            if (m != null && m.contains("No subject alternative")) {
                fatal(AgentException.Kind.NODE_UNTRUSTED, "cannot trust the node at " + config.serverAddr()
                        + ": its certificate does not name this host (" + m + "); set tls.serverName");
                return;
            }
        }
        log.warn("TLS handshake with the node failed: {}", cause.getMessage());
    }

    void controlStreamOpened(Channel stream) {
        control = stream;
        String hostname;
        try {
            hostname = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            hostname = "unknown";
        }
        stream.writeAndFlush(new Login(config.token(), runId, FluxVersion.product(), hostname));
    }

    void controlMessage(ControlMessage msg) {
        if (peers.handle(msg)) {
            return;
        }
        if (msg instanceof LoginAccepted a) {
            loggedIn = true;
            log.info("logged in to node {} at {}:{}", a.nodeName(), config.serverAddr(), config.serverPort());
            listener.connectionChanged(true, "connected to node " + config.serverAddr() + ":" + config.serverPort());
            for (TunnelHandle t : tunnels.values()) {
                register(t);
            }
            Channel current = control;
            visits.control(m -> current.writeAndFlush(m, current.voidPromise()));
            peers.control(m -> current.writeAndFlush(m, current.voidPromise()),
                    (InetSocketAddress) current.parent().localAddress(),
                    (InetSocketAddress) current.parent().remoteAddress());
        } else if (msg instanceof VisitRejected r) {
            visits.rejected(r);
        } else if (msg instanceof LoginRejected r && r.shouldRetry()) {
            // the node cannot check the token now; it closes the connection and the agent reconnects
            log.warn("the node cannot log in this agent now: {}", r.reason());
        } else if (msg instanceof LoginRejected r) {
            fatal(AgentException.Kind.AUTH_REJECTED, "the node rejected the token: " + r.reason());
        } else if (msg instanceof TunnelReady r) {
            TunnelHandle t = tunnels.get(r.name());
            if (t == null) {
                return;
            }
            if (!t.healthy) {
                // registered before the check failed: take it off again
                control.writeAndFlush(new UnregisterTunnel(r.name()));
                return;
            }
            t.state = TunnelState.READY;
            t.urls = r.urls();
            t.error = null;
            t.rejectBackoff.reset();
            backoff.reset();
            if (r.remotePort() != 0) {
                t.assignedPort = r.remotePort();
            }
            log.info("[{}] tunnel ready {}", r.name(), String.join(" ", r.urls()));
            listener.tunnelChanged(t.status());
        } else if (msg instanceof TunnelRejected r) {
            TunnelHandle t = tunnels.get(r.name());
            if (t == null || !t.healthy) {
                return;
            }
            t.state = TunnelState.REJECTED;
            t.error = r.reason();
            t.urls = List.of();
            if (r.retryable()) {
                long delay = t.rejectBackoff.nextDelayMillis();
                log.warn("[{}] tunnel rejected: {}; trying again in {} s", r.name(), r.reason(),
                        String.format("%.1f", delay / 1000.0));
                Channel current = control;
                loop.schedule(() -> {
                    if (control == current && control != null && t.state == TunnelState.REJECTED) {
                        register(t);
                    }
                }, delay, TimeUnit.MILLISECONDS);
            } else {
                log.error("[{}] tunnel rejected: {}", r.name(), r.reason());
            }
            listener.tunnelChanged(t.status());
        } else if (msg instanceof TunnelClosed c) {
            TunnelHandle t = tunnels.get(c.name());
            if (t != null) {
                t.state = TunnelState.REJECTED;
                t.error = c.reason();
                log.warn("[{}] tunnel closed by the node: {}", c.name(), c.reason());
                listener.tunnelChanged(t.status());
            }
        }
    }

    private void register(TunnelHandle t) {
        if (control == null || !t.healthy) {
            return;
        }
        if (t.state != TunnelState.READY) {
            t.state = TunnelState.CONNECTING;
        }
        control.writeAndFlush(t.registration());
    }

    ChannelGroup openChannels() {
        return openChannels;
    }

    /** The tunnel a stream is for; called on the event loop. */
    /** The owner's side of this agent's xtcp tunnel {@code name} for peer-to-peer visits; null for no such one. */
    private PeerSessions.OwnerTunnel ownerTunnel(String name) {
        TunnelHandle t = tunnels.get(name);
        if (t == null || !TunnelConfig.XTCP.equals(t.config.type())) {
            return null;
        }
        return new PeerSessions.OwnerTunnel() {
            @Override
            public String secret() {
                return t.config.secretKey();
            }

            @Override
            public void serve(Channel stream, String client) {
                // the same pipeline as a relayed visit stream behind its adapter
                stream.pipeline().addLast("e2e", new SecretStreamHandler(E2eRole.OWNER, t.config.secretKey(), name));
                stream.pipeline().addLast("owner", new SecretOwnerStream(t, client, openChannels));
            }
        };
    }

    TunnelHandle tunnel(String name) {
        return tunnels.get(name);
    }

    /** Stops for good; the message reaches the user through {@link #terminated()}, so it is not logged here too. */
    private void fatal(AgentException.Kind kind, String message) {
        log.debug("stopping: {}", message);
        stopping = true;
        if (channel != null) {
            channel.close();
        }
        terminated.completeExceptionally(new AgentException(kind, message));
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
