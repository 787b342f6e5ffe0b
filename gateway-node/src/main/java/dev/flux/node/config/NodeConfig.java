package dev.flux.node.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A gateway node's settings, as read from {@code node.toml} by {@link NodeConfigLoader}, which applies every
 * default and checks every constraint; the loader's result holds no null except where noted.
 *
 * @param bindAddr address the tunnel (agent) port listens on
 * @param bindPort the tunnel port; 0 picks a free port
 * @param proxyBindAddr address the remote ports of TCP tunnels listen on
 * @param publicHost host shown in {@code tcp://host:port} URLs
 * @param vhostHttpPort the HTTP vhost port; 0 picks a free port, -1 disables HTTP tunnels
 * @param vhostBindAddr address the HTTP vhost port listens on
 * @param subdomainHost domain that {@code subdomain} tunnels live under; null when unset, and then such tunnels
 *                      are refused
 * @param allowPorts remote ports TCP tunnels may use; empty allows none
 * @param dataDir where the node keeps state such as its generated certificate (absolute)
 * @param heartbeatTimeoutSeconds how long an agent may stay silent before it is disconnected
 * @param tls the node's certificate
 * @param tokens who may connect; never empty in standalone mode, always empty with a control plane
 * @param controlPlane the control plane that decides who may connect and which tunnels they get; null in
 *                     standalone mode
 * @param https the HTTPS vhost port and the certificates of tunnels whose TLS the node terminates
 * @param staticMappings ports the node forwards to fixed targets by itself, without an agent
 * @param admin the health and metrics listener ({@code [admin]}); null when off (the default)
 * @param p2pPort the UDP port of the peer-to-peer (xtcp) rendezvous on {@code bindAddr}; 0 picks a free port, -1
 *                disables xtcp (visitors then always relay through the node)
 * @param udpSessionIdleSeconds how long a UDP tunnel keeps a visitor's session (its stream to the agent) without a
 *                              datagram in either direction
 */
public record NodeConfig(
        String bindAddr,
        int bindPort,
        String proxyBindAddr,
        String publicHost,
        int vhostHttpPort,
        String vhostBindAddr,
        String subdomainHost,
        List<PortRange> allowPorts,
        Path dataDir,
        int heartbeatTimeoutSeconds,
        NodeTlsConfig tls,
        List<TokenEntry> tokens,
        ControlPlaneConfig controlPlane,
        HttpsConfig https,
        List<StaticMapping> staticMappings,
        AdminConfig admin,
        int p2pPort,
        int udpSessionIdleSeconds) {

    /** {@link #udpSessionIdleSeconds} unless node.toml says otherwise. */
    public static final int DEFAULT_UDP_SESSION_IDLE_SECONDS = 60;

    /** A node's settings with no admin listener, the rendezvous on any free UDP port, the default UDP idle time. */
    public NodeConfig(String bindAddr, int bindPort, String proxyBindAddr, String publicHost, int vhostHttpPort,
                      String vhostBindAddr, String subdomainHost, List<PortRange> allowPorts, Path dataDir,
                      int heartbeatTimeoutSeconds, NodeTlsConfig tls, List<TokenEntry> tokens,
                      ControlPlaneConfig controlPlane, HttpsConfig https, List<StaticMapping> staticMappings) {
        this(bindAddr, bindPort, proxyBindAddr, publicHost, vhostHttpPort, vhostBindAddr, subdomainHost, allowPorts,
                dataDir, heartbeatTimeoutSeconds, tls, tokens, controlPlane, https, staticMappings, null);
    }

    /** A node's settings with the rendezvous on any free UDP port and the default UDP session idle time. */
    public NodeConfig(String bindAddr, int bindPort, String proxyBindAddr, String publicHost, int vhostHttpPort,
                      String vhostBindAddr, String subdomainHost, List<PortRange> allowPorts, Path dataDir,
                      int heartbeatTimeoutSeconds, NodeTlsConfig tls, List<TokenEntry> tokens,
                      ControlPlaneConfig controlPlane, HttpsConfig https, List<StaticMapping> staticMappings,
                      AdminConfig admin) {
        this(bindAddr, bindPort, proxyBindAddr, publicHost, vhostHttpPort, vhostBindAddr, subdomainHost, allowPorts,
                dataDir, heartbeatTimeoutSeconds, tls, tokens, controlPlane, https, staticMappings, admin, 0,
                DEFAULT_UDP_SESSION_IDLE_SECONDS);
    }

    public NodeConfig {
        if (udpSessionIdleSeconds <= 0) {
            throw new IllegalArgumentException("udpSessionIdleSeconds: " + udpSessionIdleSeconds + " (expected: > 0)");
        }
        allowPorts = List.copyOf(allowPorts);
        tokens = List.copyOf(tokens);
        https = https == null ? HttpsConfig.DISABLED : https;
        staticMappings = staticMappings == null ? List.of() : List.copyOf(staticMappings);
    }

    /** A node's settings without an HTTPS vhost port or static mappings. */
    public NodeConfig(String bindAddr, int bindPort, String proxyBindAddr, String publicHost, int vhostHttpPort,
                      String vhostBindAddr, String subdomainHost, List<PortRange> allowPorts, Path dataDir,
                      int heartbeatTimeoutSeconds, NodeTlsConfig tls, List<TokenEntry> tokens,
                      ControlPlaneConfig controlPlane) {
        this(bindAddr, bindPort, proxyBindAddr, publicHost, vhostHttpPort, vhostBindAddr, subdomainHost, allowPorts,
                dataDir, heartbeatTimeoutSeconds, tls, tokens, controlPlane, HttpsConfig.DISABLED, List.of());
    }

    /** A standalone node's settings: tokens from the file, no control plane. */
    public NodeConfig(String bindAddr, int bindPort, String proxyBindAddr, String publicHost, int vhostHttpPort,
                      String vhostBindAddr, String subdomainHost, List<PortRange> allowPorts, Path dataDir,
                      int heartbeatTimeoutSeconds, NodeTlsConfig tls, List<TokenEntry> tokens) {
        this(bindAddr, bindPort, proxyBindAddr, publicHost, vhostHttpPort, vhostBindAddr, subdomainHost, allowPorts,
                dataDir, heartbeatTimeoutSeconds, tls, tokens, null);
    }

    /**
     * The {@code [controlPlane]} table.
     *
     * @param url the control plane's base URL, e.g. {@code http://127.0.0.1:8443}
     * @param credential the node's credential ({@code flx_...}), from the file or read from {@code credentialFile}
     * @param requestTimeout how long one request to the control plane may take (long-polls wait longer)
     */
    public record ControlPlaneConfig(URI url, String credential, Duration requestTimeout) {

        @Override
        public String toString() {
            return "ControlPlaneConfig[url=" + url + ", credential=<redacted>, requestTimeout=" + requestTimeout + "]";
        }
    }

    /** An inclusive range of ports; a single port has {@code start == end}. */
    public record PortRange(int start, int end) {

        public boolean contains(int port) {
            return port >= start && port <= end;
        }
    }

    /**
     * The node's certificate and key files (absolute), or both null for a self-signed certificate generated
     * into {@link NodeConfig#dataDir()}.
     */
    public record NodeTlsConfig(Path certFile, Path keyFile) {
    }

    /**
     * One credential agents log in with. Exactly one of {@code token} and {@code tokenHash} is set.
     *
     * @param name unique name of the credential, shown in logs
     * @param token the token in plain text, or null when only its hash is configured
     * @param tokenHash {@code sha256:<64 hex digits>}, or null when the token is given in plain text
     * @param maxTunnels at most this many tunnels at once; 0 is unlimited
     * @param maxConnectionsPerTunnel at most this many open connections per tunnel; 0 is unlimited
     */
    public record TokenEntry(String name, String token, String tokenHash, int maxTunnels,
                             int maxConnectionsPerTunnel) {

        // Records print every component; a node that logs its configuration must not log a credential.
        @Override
        public String toString() {
            return "TokenEntry[name=" + name + ", token=" + (token == null ? null : "<redacted>")
                    + ", tokenHash=" + tokenHash + ", maxTunnels=" + maxTunnels
                    + ", maxConnectionsPerTunnel=" + maxConnectionsPerTunnel + "]";
        }
    }

    /**
     * The HTTPS vhost: {@code vhostHTTPSPort} and the {@code [[certificates]]} tables.
     *
     * @param vhostHttpsPort the port https tunnels are served on (on {@code vhostBindAddr}); 0 picks a free port,
     *                       -1 (the default) disables https tunnels
     * @param certificates certificates the node presents for https tunnels with {@code tlsTermination = "node"}
     */
    public record HttpsConfig(int vhostHttpsPort, List<CertificateEntry> certificates) {

        /** No HTTPS vhost port: https tunnels are refused. */
        public static final HttpsConfig DISABLED = new HttpsConfig(-1, List.of());

        public HttpsConfig {
            certificates = List.copyOf(certificates);
        }

        public boolean enabled() {
            return vhostHttpsPort >= 0;
        }
    }

    /**
     * A {@code [[staticMappings]]} entry: a port the node listens on and forwards, connection by connection, to one
     * of fixed targets.
     *
     * @param name unique name, for logs
     * @param bindPort the port on {@code proxyBindAddr}
     * @param targets {@code host:port} targets, at least one
     * @param strategy {@code round_robin} or {@code least_connections}
     * @param healthCheck TCP connect checks of every target, or null to assume every target up
     */
    public record StaticMapping(String name, int bindPort, List<String> targets, String strategy,
                                TargetHealthCheck healthCheck) {

        public static final String ROUND_ROBIN = "round_robin";
        public static final String LEAST_CONNECTIONS = "least_connections";

        public StaticMapping {
            targets = List.copyOf(targets);
        }
    }

    /**
     * One {@code [[certificates]]} entry: a PEM certificate chain and key for host names, where
     * {@code *.example.com} covers every name one label below {@code example.com}.
     *
     * @param domains host names (lower case) and wildcards the certificate is used for
     * @param certFile PEM certificate chain, leaf first (absolute)
     * @param keyFile PEM private key (absolute)
     */
    public record CertificateEntry(List<String> domains, Path certFile, Path keyFile) {

        public CertificateEntry {
            domains = List.copyOf(domains);
        }
    }

    /**
     * A TCP connect check of a static mapping's targets: a target failing {@code failureThreshold} checks in a row
     * is skipped until a check succeeds.
     */
    public record TargetHealthCheck(Duration interval, Duration timeout, int failureThreshold) {
    }

    /**
     * The {@code [admin]} table: where the node answers {@code /healthz}, {@code /readyz} and {@code /metrics}.
     *
     * @param bindAddr the listener's address, {@code 127.0.0.1} unless the file names another
     * @param port the listener's port; 0 picks a free port
     */
    public record AdminConfig(String bindAddr, int port) {
    }
}
