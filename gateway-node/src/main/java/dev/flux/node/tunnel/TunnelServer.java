package dev.flux.node.tunnel;

import dev.flux.node.config.NodeConfig;
import dev.flux.node.tls.HttpsCertificates;
import dev.flux.node.p2p.Rendezvous;
import dev.flux.protocol.FluxVersion;
import dev.flux.protocol.control.RegisterTunnel;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.stream.Http2Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent-facing side of a node: accepts agent connections (TLS 1.3, ALPN {@code flux/1}, HTTP/2), logs agents in,
 * and creates their tunnels.
 */
public final class TunnelServer {

    private static final Logger log = LoggerFactory.getLogger(TunnelServer.class);
    private static final int PORT_PICK_ATTEMPTS = 32;

    private final NodeConfig config;
    private final SslContext sslContext;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup openChannels;
    private final TunnelRegistry registry = new TunnelRegistry();
    private final AgentGate gate;
    private final PortRanges portRanges;
    private final Duration udpSessionIdle;
    private volatile int vhostPort = -1;
    private volatile int vhostHttpsPort = -1;
    private volatile HttpsCertificates httpsCertificates = HttpsCertificates.NONE;
    private Channel listener;

    public TunnelServer(NodeConfig config, SslContext sslContext, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                        ChannelGroup openChannels) {
        this(config, sslContext, bossGroup, workerGroup, openChannels,
                Duration.ofSeconds(config.udpSessionIdleSeconds()), new StaticAgentGate(config.tokens()));
    }

    /** A standalone node's tunnel server with a UDP session idle time of its own (tests). */
    public TunnelServer(NodeConfig config, SslContext sslContext, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                        ChannelGroup openChannels, Duration udpSessionIdle) {
        this(config, sslContext, bossGroup, workerGroup, openChannels, udpSessionIdle,
                new StaticAgentGate(config.tokens()));
    }

    public TunnelServer(NodeConfig config, SslContext sslContext, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                        ChannelGroup openChannels, AgentGate gate) {
        this(config, sslContext, bossGroup, workerGroup, openChannels,
                Duration.ofSeconds(config.udpSessionIdleSeconds()), gate);
    }

    /**
     * @param udpSessionIdle how long a UDP tunnel keeps a visitor's session without traffic in either direction
     * @param gate who may log in and which tunnels they get
     */
    public TunnelServer(NodeConfig config, SslContext sslContext, EventLoopGroup bossGroup, EventLoopGroup workerGroup,
                        ChannelGroup openChannels, Duration udpSessionIdle, AgentGate gate) {
        if (udpSessionIdle.isNegative() || udpSessionIdle.isZero()) {
            throw new IllegalArgumentException("udpSessionIdle: " + udpSessionIdle + " (expected: > 0)");
        }
        this.udpSessionIdle = udpSessionIdle;
        this.config = config;
        this.openChannels = openChannels;
        this.sslContext = sslContext;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.portRanges = new PortRanges(config.allowPorts());
        this.gate = gate;
    }

    public TunnelRegistry registry() {
        return registry;
    }

    private final Rendezvous rendezvous = new Rendezvous();

    /** The peer-to-peer rendezvous; its {@code port()} is -1 when {@code p2pPort = -1} disabled it. */
    public Rendezvous rendezvous() {
        return rendezvous;
    }

    NodeConfig config() {
        return config;
    }

    AgentGate gate() {
        return gate;
    }

    /** Every connection this node accepted, agents' and visitors'. */
    ChannelGroup openChannels() {
        return openChannels;
    }

    String nodeName() {
        return config.publicHost();
    }

    private volatile java.util.function.Consumer<io.netty.buffer.ByteBuf> secretRelayTap;

    /**
     * Shows every byte relayed between a visitor and the owner of a secret tunnel to {@code tap} (null: off), for
     * diagnostics and for tests that prove the node relays ciphertext only. The buffers are read-only views, valid
     * during the call.
     */
    public void tapSecretRelay(java.util.function.Consumer<io.netty.buffer.ByteBuf> tap) {
        this.secretRelayTap = tap;
    }

    java.util.function.Consumer<io.netty.buffer.ByteBuf> secretRelayTap() {
        return secretRelayTap;
    }

    /** Tells the tunnel server where the vhost listener ended up, for the URLs of HTTP tunnels. */
    public void vhostPort(int port) {
        this.vhostPort = port;
    }

    /**
     * Tells the tunnel server where the HTTPS vhost listener ended up, for the URLs of https tunnels, and which
     * certificates it holds for tunnels whose TLS it terminates.
     */
    public void vhostHttps(int port, HttpsCertificates certificates) {
        this.httpsCertificates = certificates;
        this.vhostHttpsPort = port;
    }

    /** Binds the agent port; returns the bound address. */
    public InetSocketAddress start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        openChannels.add(ch);
                        SslHandler ssl = sslContext.newHandler(ch.alloc());
                        ssl.setHandshakeTimeout(10, TimeUnit.SECONDS);
                        ch.pipeline().addLast("tls", ssl);
                        ch.pipeline().addLast("alpn", new AlpnGate());
                    }
                });
        listener = b.bind(config.bindAddr(), config.bindPort()).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) listener.localAddress();
        log.info("listening for agents on {}:{} (TLS 1.3, {} transport)", bound.getAddress().getHostAddress(),
                bound.getPort(), Transports.name());
        if (config.p2pPort() >= 0) {
            rendezvous.start(workerGroup, config.bindAddr(), config.p2pPort());
        }
        return bound;
    }

    public void stop() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        rendezvous.stop();
        for (AgentSession s : registry.sessions()) {
            s.channel().close().syncUninterruptibly();
        }
    }

    /** Admits only connections that negotiated {@code flux/1}; then sets up HTTP/2 and the session. */
    private final class AlpnGate extends ApplicationProtocolNegotiationHandler {
        AlpnGate() {
            super("none");
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (!FluxVersion.ALPN.equals(protocol)) {
                log.info("closing connection from {}: it did not negotiate {} (ALPN: {})",
                        AgentSession.address(ctx.channel().remoteAddress()), FluxVersion.ALPN, protocol);
                ctx.close();
                return;
            }
            ctx.pipeline().addLast("idle", new IdleStateHandler(config.heartbeatTimeoutSeconds(), 0, 0));
            Http2Transport.addNodeSide(ctx.pipeline(), new AgentSession.InboundStreamRejector());
            ctx.pipeline().addLast("session", new AgentSession(TunnelServer.this));
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.info("TLS handshake with {} failed: {}", AgentSession.address(ctx.channel().remoteAddress()),
                    describe(cause));
            ctx.close();
        }
    }

    HttpTunnel newHttpTunnel(AgentSession session, RegisterTunnel r) throws TunnelRejectedException {
        if (config.vhostHttpPort() < 0) {
            throw new TunnelRejectedException("HTTP tunnels are disabled on this node (vhostHTTPPort = -1)", false);
        }
        List<String> hosts = hosts(r);
        int port = vhostPort;
        String suffix = port == 80 || port <= 0 ? "" : ":" + port;
        List<String> urls = hosts.stream().map(h -> "http://" + h + suffix).toList();
        return new HttpTunnel(r.name(), session, r.localAddress(), hosts, urls, r.hostHeaderRewrite(),
                r.httpUser(), r.httpPassword());
    }

    /**
     * An https tunnel: an {@link HttpsTunnel} relaying TLS by SNI, or, with {@code tlsTermination = "node"}, a
     * secure {@link HttpTunnel} served behind the certificate the node holds for each of its hosts.
     */
    Tunnel newHttpsTunnel(AgentSession session, RegisterTunnel r) throws TunnelRejectedException {
        int port = vhostHttpsPort;
        if (port < 0) {
            throw new TunnelRejectedException("https tunnels are disabled on this node: its operator has not set "
                    + "vhostHTTPSPort in node.toml", false);
        }
        String termination = r.tlsTermination();
        if (termination != null && !RegisterTunnel.TLS_NODE.equals(termination)
                && !RegisterTunnel.TLS_PASSTHROUGH.equals(termination)) {
            throw new TunnelRejectedException("tlsTermination '" + termination + "' is not supported (expected: "
                    + RegisterTunnel.TLS_PASSTHROUGH + " or " + RegisterTunnel.TLS_NODE + ")", false);
        }
        List<String> hosts = hosts(r);
        String suffix = port == 443 || port <= 0 ? "" : ":" + port;
        List<String> urls = hosts.stream().map(h -> "https://" + h + suffix).toList();
        if (!r.terminatesAtNode()) {
            if (r.httpUser() != null || r.hostHeaderRewrite() != null) {
                throw new TunnelRejectedException("httpUser and hostHeaderRewrite need the node to see the requests;"
                        + " set tlsTermination = \"node\" or remove them (with TLS passed through, the node sees"
                        + " only the host name)", false);
            }
            return new HttpsTunnel(r.name(), session, r.localAddress(), hosts, urls);
        }
        HttpsCertificates certificates = httpsCertificates;
        for (String host : hosts) {
            if (!certificates.covers(host)) {
                throw new TunnelRejectedException("this node has no certificate for " + host + ", so it cannot "
                        + "terminate TLS for it; its operator can add a [[certificates]] entry covering it to "
                        + "node.toml, or use tlsTermination = \"passthrough\" and terminate TLS in the local service",
                        false);
            }
        }
        return new HttpTunnel(r.name(), session, r.localAddress(), hosts, urls, r.hostHeaderRewrite(),
                r.httpUser(), r.httpPassword(), true);
    }

    /** The host names of an http or https tunnel: its subdomain under the subdomain host, and its custom domains. */
    private List<String> hosts(RegisterTunnel r) throws TunnelRejectedException {
        List<String> hosts = new ArrayList<>();
        if (r.subdomain() != null && !r.subdomain().isBlank()) {
            if (config.subdomainHost() == null) {
                throw new TunnelRejectedException("this node has no subdomainHost, so subdomain '" + r.subdomain()
                        + "' cannot be served; use customDomains instead", false);
            }
            hosts.add(r.subdomain().toLowerCase(Locale.ROOT) + "." + config.subdomainHost().toLowerCase(Locale.ROOT));
        }
        for (String d : r.customDomains()) {
            String host = d.toLowerCase(Locale.ROOT);
            if (!hosts.contains(host)) {
                hosts.add(host);
            }
        }
        if (hosts.isEmpty()) {
            throw new TunnelRejectedException("an " + r.tunnelType() + " tunnel needs a subdomain or at least one"
                    + " custom domain", false);
        }
        return hosts;
    }

    /**
     * Serves a registration that joins an existing load-balancing group: the tunnel shares the group's port or host
     * names, so nothing is bound, and it is ready at once.
     */
    void joinGroup(AgentSession session, RegisterTunnel r, TunnelGroup<Tunnel> group)
            throws TunnelRejectedException {
        List<Tunnel> members = group.members();
        if (members.isEmpty()) {
            throw new TunnelRejectedException(group + " has just closed; registering again", true);
        }
        Tunnel first = members.get(0);
        if (first instanceof TcpTunnel t) {
            if (r.remotePort() != 0 && r.remotePort() != t.port()) {
                throw new TunnelRejectedException(group + " listens on port " + t.port() + ", not " + r.remotePort()
                        + "; set remotePort = " + t.port() + " or leave it out", false);
            }
            session.ready(new TcpTunnel(r.name(), session, r.localAddress(), t.port(), config.publicHost()));
        } else {
            Tunnel tunnel = "https".equals(group.type()) ? newHttpsTunnel(session, r) : newHttpTunnel(session, r);
            if (tunnel.getClass() != first.getClass()) {
                String mode = first instanceof HttpsTunnel ? RegisterTunnel.TLS_PASSTHROUGH : RegisterTunnel.TLS_NODE;
                throw new TunnelRejectedException(group + " uses tlsTermination = \"" + mode + "\"; every member "
                        + "must handle TLS the same way (set tlsTermination = \"" + mode + "\")", false);
            }
            if (!Set.copyOf(tunnel.hosts()).equals(Set.copyOf(first.hosts()))) {
                throw new TunnelRejectedException(group + " serves " + first.hosts() + "; every member must ask for "
                        + "the same subdomain and domains (this tunnel asks for " + tunnel.hosts() + ")", false);
            }
            session.ready(tunnel);
        }
    }

    /** Starts binding a TCP tunnel's port; answers the agent (ready or rejected) when the bind completes. */
    void bindTcp(AgentSession session, RegisterTunnel r) throws TunnelRejectedException {
        bindPort(session, r, registry.tcpPorts(), port -> {
            TcpTunnel tunnel = new TcpTunnel(r.name(), session, r.localAddress(), port, config.publicHost());
            ChannelFuture bind = new ServerBootstrap()
                    .group(bossGroup, session.channel().eventLoop())
                    .channel(Transports.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(tunnel.publicConnectionHandler())
                    .bind(config.proxyBindAddr(), port);
            return new Binding<>(tunnel, bind, tunnel::listening);
        });
    }

    /**
     * Starts binding a UDP tunnel's port, from the same allowed ranges as TCP ports but in a namespace of its own;
     * answers the agent (ready or rejected) when the bind completes.
     */
    void bindUdp(AgentSession session, RegisterTunnel r) throws TunnelRejectedException {
        bindPort(session, r, registry.udpPorts(), port -> {
            int connectionLimit = TunnelLimits.lowerLimit(session.token().maxConnectionsPerTunnel(),
                    r.policy().maxConnections());
            int maxSessions = connectionLimit > 0 ? Math.min(connectionLimit, UdpTunnel.DEFAULT_MAX_SESSIONS)
                    : UdpTunnel.DEFAULT_MAX_SESSIONS;
            UdpTunnel tunnel = new UdpTunnel(r.name(), session, r.localAddress(), port, config.publicHost(),
                    maxSessions, udpSessionIdle);
            // on the agent connection's event loop, like the streams of its sessions
            ChannelFuture bind = new Bootstrap()
                    .group(session.channel().eventLoop())
                    .channel(Transports.datagramChannel())
                    .option(ChannelOption.SO_RCVBUF, UdpTunnel.SOCKET_BUFFER_SIZE)
                    .option(ChannelOption.SO_SNDBUF, UdpTunnel.SOCKET_BUFFER_SIZE)
                    .option(ChannelOption.RCVBUF_ALLOCATOR,
                            new FixedRecvByteBufAllocator(UdpTunnel.DATAGRAM_BUFFER_SIZE))
                    .handler(tunnel.visitorHandler())
                    .bind(config.proxyBindAddr(), port);
            return new Binding<>(tunnel, bind, tunnel::listening);
        });
    }

    /** A tunnel whose listener is being bound, and what to tell it once bound. */
    private record Binding<T extends Tunnel>(T tunnel, ChannelFuture bind, Consumer<Channel> listening) {
    }

    /**
     * Claims the requested port (or a random free one from the allowed ranges), binds it and answers the agent. A
     * port the node picked that turns out to be in use by another program is replaced by another pick.
     */
    private <T extends Tunnel> void bindPort(AgentSession session, RegisterTunnel r, PortClaims<T> claims,
                                             IntFunction<Binding<T>> binder) throws TunnelRejectedException {
        int requested = r.remotePort();
        if (requested != 0 && !portRanges.allows(requested)) {
            throw new TunnelRejectedException("remote " + claims.kind() + " " + requested
                    + " is not allowed on this node (allowed: " + portRanges + ")", false);
        }
        bindPort(session, r, claims, binder, requested, requested == 0 ? PORT_PICK_ATTEMPTS : 1);
    }

    private <T extends Tunnel> void bindPort(AgentSession session, RegisterTunnel r, PortClaims<T> claims,
                                             IntFunction<Binding<T>> binder, int requested, int attemptsLeft)
            throws TunnelRejectedException {
        int port = requested != 0 ? requested : pickFreePort(claims);
        claims.reserve(port, r.name());
        Binding<T> binding = binder.apply(port);
        binding.bind().addListener(f -> session.channel().eventLoop().execute(() -> {
            if (f.isSuccess()) {
                binding.listening().accept(binding.bind().channel());
                claims.bound(port, binding.tunnel());
                session.ready(binding.tunnel());
                return;
            }
            claims.unreserve(port);
            if (attemptsLeft > 1) {
                try {
                    bindPort(session, r, claims, binder, 0, attemptsLeft - 1);
                } catch (TunnelRejectedException e) {
                    registry.abandonGroup(r);
                    session.rejectLater(r.name(), e);
                }
                return;
            }
            String reason = requested != 0
                    ? "remote " + claims.kind() + " " + port + " is already in use on the node ("
                      + describe(f.cause()) + "); choose another remotePort or leave it out to let the node pick one"
                    : "no free " + claims.kind() + " found in the allowed ranges (" + portRanges + ")";
            registry.abandonGroup(r);
            session.rejectLater(r.name(), new TunnelRejectedException(reason, true));
        }));
    }

    private int pickFreePort(PortClaims<?> claims) throws TunnelRejectedException {
        for (int i = 0; i < PORT_PICK_ATTEMPTS * 4; i++) {
            int p = portRanges.random();
            if (p > 0 && !claims.isReserved(p)) {
                return p;
            }
        }
        throw new TunnelRejectedException("no free " + claims.kind() + " left in the allowed ranges (" + portRanges
                + ")", true);
    }

    /** A one-line description of an error for logs and messages, without a stack trace. */
    static String describe(Throwable t) {
        Throwable c = t;
        while ((c instanceof DecoderException || c instanceof SSLException) && c.getCause() != null) {
            c = c.getCause();
        }
        String m = c.getMessage();
        return m == null ? c.getClass().getSimpleName() : m;
    }
}
