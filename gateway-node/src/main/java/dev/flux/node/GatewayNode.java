package dev.flux.node;

import dev.flux.node.admin.AdminServer;
import dev.flux.node.admin.NodeStatus;
import dev.flux.node.config.NodeConfig;
import dev.flux.node.config.NodeConfig.ControlPlaneConfig;
import dev.flux.node.controlplane.ControlPlaneClient;
import dev.flux.node.controlplane.ControlPlaneLink;
import dev.flux.node.tunnel.AgentGate;
import dev.flux.node.tunnel.StaticAgentGate;
import dev.flux.node.http.HttpServer;
import dev.flux.node.http.HttpsServer;
import dev.flux.node.tls.HttpsCertificates;
import dev.flux.node.mapping.StaticMappings;
import dev.flux.node.tunnel.TunnelRegistry;
import dev.flux.node.tunnel.TunnelServer;
import dev.flux.protocol.FluxVersion;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.tls.Fingerprint;
import dev.flux.protocol.tls.NodeCertificate;
import dev.flux.protocol.tls.TlsContexts;
import dev.flux.protocol.tls.TlsProviders;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway node, standalone or with a control plane: the tunnel server for agents and the vhost HTTP listener,
 * sharing one set of event loops, and the link to the control plane when {@code [controlPlane]} is configured. Start
 * it with {@link #start(NodeConfig)}; {@link #close()} stops it and drops every agent.
 */
public final class GatewayNode implements AutoCloseable, NodeStatus {

    private static final Logger log = LoggerFactory.getLogger(GatewayNode.class);

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    /** Every connection the node accepted, closed before the event loops stop so that none dies half-closed. */
    private final ChannelGroup openChannels = new DefaultChannelGroup("flux-node", GlobalEventExecutor.INSTANCE);
    private final TunnelServer tunnelServer;
    private final HttpServer httpServer;
    /** The HTTPS vhost listener; null when https tunnels are disabled. */
    private final HttpsServer httpsServer;
    private final Fingerprint fingerprint;
    private final HttpsCertificates httpsCertificates;
    /** The control plane connection; null in standalone mode. */
    private final ControlPlaneLink controlPlane;
    /** The node's own port forwards ({@code [[staticMappings]]}). */
    private final StaticMappings staticMappings;
    /** The health and metrics listener; null unless {@code [admin]} is configured. */
    private final AdminServer admin;
    private final Instant started = Instant.now();
    /** Every listener is bound and the node is not stopping: what {@code /healthz} reports. */
    private volatile boolean serving;
    private InetSocketAddress adminAddress;
    private InetSocketAddress tunnelAddress;
    private InetSocketAddress vhostAddress;
    private InetSocketAddress vhostHttpsAddress;

    private GatewayNode(NodeConfig config, NodeCertificate certificate) throws IOException {
        this.fingerprint = certificate.fingerprint();
        this.bossGroup = Transports.newGroup(1, "flux-accept");
        this.workerGroup = Transports.newGroup(Runtime.getRuntime().availableProcessors(), "flux-io");
        ControlPlaneConfig cp = config.controlPlane();
        this.controlPlane = cp == null ? null
                : new ControlPlaneLink(new ControlPlaneClient(cp.url(), cp.credential(), cp.requestTimeout()));
        AgentGate gate = controlPlane != null ? controlPlane : new StaticAgentGate(config.tokens());
        this.tunnelServer = new TunnelServer(config, TlsContexts.forNode(certificate), bossGroup, workerGroup,
                openChannels, gate);
        this.httpServer = config.vhostHttpPort() < 0 ? null
                : new HttpServer(tunnelServer.registry(), bossGroup, workerGroup, openChannels);
        this.httpsCertificates = HttpsCertificates.load(config.https().certificates());
        if (controlPlane != null) {
            controlPlane.onCertificate(httpsCertificates::add);
        }
        this.httpsServer = !config.https().enabled() ? null : new HttpsServer(tunnelServer.registry(),
                httpsCertificates, bossGroup, workerGroup, openChannels);
        this.staticMappings = new StaticMappings(config.staticMappings(), config.proxyBindAddr(), bossGroup,
                workerGroup, openChannels);
        this.admin = config.admin() == null ? null : new AdminServer(this, bossGroup, workerGroup, openChannels);
    }

    /** Loads or generates the certificate, binds every listener and returns the running node. */
    public static GatewayNode start(NodeConfig config) throws IOException, InterruptedException {
        log.info("FLUX Gateway node {} starting; TLS provider {}", FluxVersion.product(), TlsProviders.name());
        NodeCertificate certificate = certificate(config);
        GatewayNode node = new GatewayNode(config, certificate);
        try {
            if (node.admin != null) {
                // First, so that probes see 503 rather than a refused connection while the node starts.
                node.adminAddress = node.admin.start(config.admin().bindAddr(), config.admin().port());
            }
            if (node.httpServer != null) {
                node.vhostAddress = node.httpServer.start(config.vhostBindAddr(), config.vhostHttpPort());
                node.tunnelServer.vhostPort(node.vhostAddress.getPort());
            }
            if (node.httpsServer != null) {
                node.vhostHttpsAddress = node.httpsServer.start(config.vhostBindAddr(),
                        config.https().vhostHttpsPort());
                node.tunnelServer.vhostHttps(node.vhostHttpsAddress.getPort(), node.httpsCertificates);
            }
            node.tunnelAddress = node.tunnelServer.start();
            node.staticMappings.start();
            node.serving = true;
        } catch (RuntimeException | InterruptedException e) {
            node.close();
            throw e;
        }
        log.info("node ready: agents connect to port {}; pin the node with tls.fingerprint = \"{}\"",
                node.tunnelAddress.getPort(), node.fingerprint);
        if (node.controlPlane != null) {
            log.info("control-plane mode: agents are checked by {}", config.controlPlane().url());
            node.controlPlane.start(new ControlPlaneLink.NodeInfo(config.publicHost(), node.tunnelAddress.getPort(),
                    node.vhostAddress == null ? null : node.vhostAddress.getPort(),
                    node.vhostHttpsAddress == null ? null : node.vhostHttpsAddress.getPort(), config.subdomainHost(),
                    node.fingerprint.toString(), FluxVersion.product()), node.registry());
        }
        return node;
    }

    private static NodeCertificate certificate(NodeConfig config) throws IOException {
        if (config.tls().certFile() != null) {
            NodeCertificate c = NodeCertificate.load(config.tls().certFile(), config.tls().keyFile());
            log.info("TLS certificate {} ({}), fingerprint: {}", config.tls().certFile(),
                    c.leaf().getSubjectX500Principal().getName(), c.fingerprint());
            return c;
        }
        List<String> names = new ArrayList<>();
        if (config.subdomainHost() != null) {
            names.add(config.subdomainHost());
        }
        names.add(config.publicHost());
        NodeCertificate.Loaded loaded = NodeCertificate.loadOrGenerate(config.dataDir(), names);
        if (loaded.generated()) {
            log.info("generated a self-signed TLS certificate for {} in {}", names, config.dataDir());
        }
        log.info("TLS certificate fingerprint: {}", loaded.certificate().fingerprint());
        return loaded.certificate();
    }

    /** The admin listener's address, or null when {@code [admin]} is not configured. */
    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    @Override
    public boolean serving() {
        return serving;
    }

    @Override
    public String notReadyReason() {
        if (!serving) {
            return "the node is starting or stopping";
        }
        return controlPlane != null && !controlPlane.registered() ? "not registered with the control plane yet"
                : null;
    }

    @Override
    public Instant started() {
        return started;
    }

    public InetSocketAddress tunnelAddress() {
        return tunnelAddress;
    }

    /** The vhost HTTP listener's address, or null when HTTP tunnels are disabled. */
    public InetSocketAddress vhostAddress() {
        return vhostAddress;
    }

    /** The vhost HTTPS listener's address, or null when https tunnels are disabled. */
    public InetSocketAddress vhostHttpsAddress() {
        return vhostHttpsAddress;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public TunnelRegistry registry() {
        return tunnelServer.registry();
    }

    /** The control plane connection; null in standalone mode. */
    public ControlPlaneLink controlPlane() {
        return controlPlane;
    }

    /** The node's static mappings. */
    public StaticMappings staticMappings() {
        return staticMappings;
    }

    @Override
    public void close() {
        serving = false;
        staticMappings.close();
        if (controlPlane != null) {
            controlPlane.close();
        }
        if (httpServer != null) {
            httpServer.stop();
        }
        if (httpsServer != null) {
            httpsServer.stop();
        }
        tunnelServer.stop();
        if (admin != null) {
            admin.stop();
        }
        openChannels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        log.info("node stopped");
    }
}
