package dev.flux.node.config;

import dev.flux.node.config.NodeConfig.AdminConfig;
import dev.flux.node.config.NodeConfig.CertificateEntry;
import dev.flux.node.config.NodeConfig.ControlPlaneConfig;
import dev.flux.node.config.NodeConfig.HttpsConfig;
import dev.flux.node.config.NodeConfig.NodeTlsConfig;
import dev.flux.node.config.NodeConfig.PortRange;
import dev.flux.node.config.NodeConfig.TokenEntry;
import dev.flux.protocol.auth.Tokens;
import dev.flux.protocol.config.ConfigDocument;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigTable;
import dev.flux.protocol.config.DnsNames;
import dev.flux.protocol.config.TomlConfigReader;
import dev.flux.protocol.tls.NodeCertificate;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code node.toml} into a {@link NodeConfig}: applies the defaults and checks every value, reporting all
 * problems together in one {@link ConfigException}. See {@code docs/examples/node.toml} for every key.
 */
public final class NodeConfigLoader {

    static final String DEFAULT_BIND_ADDR = "0.0.0.0";
    static final int DEFAULT_BIND_PORT = 7000;
    static final String DEFAULT_PUBLIC_HOST = "127.0.0.1";
    static final int DEFAULT_VHOST_HTTP_PORT = 80;
    static final List<PortRange> DEFAULT_ALLOW_PORTS = List.of(new PortRange(20000, 29999));
    static final String DEFAULT_DATA_DIR = "flux-node-data";
    static final int DEFAULT_HEARTBEAT_TIMEOUT_SECONDS = 15;
    /** A day: a UDP session idle longer than that holds a stream and a table entry for nothing. */
    static final int MAX_UDP_SESSION_IDLE_SECONDS = 86_400;
    static final int MIN_PLAIN_TOKEN_LENGTH = 16;
    static final int DEFAULT_CONTROL_PLANE_TIMEOUT_SECONDS = 10;

    private static final String GENERATE_HINT = "generate one with 'fluxctl token generate'";
    private static final Pattern TOKEN_HASH = Pattern.compile(Pattern.quote(Tokens.HASH_PREFIX) + "[0-9a-f]{64}");
    // "0.0.0.0:7000" is a common slip; an IPv6 address has more than one colon, so it does not match.
    private static final Pattern HOST_AND_PORT = Pattern.compile("[^:]+:[0-9]+");
    // [v6]:port | host:port | :port | port
    private static final Pattern ADMIN_BIND =
            Pattern.compile("(?:\\[([0-9A-Fa-f:.]+)]:|([^:\\[\\]\\s]*):)?([0-9]{1,5})");

    private NodeConfigLoader() {
    }

    /**
     * Reads a node configuration file; relative paths in it resolve against the file's directory.
     *
     * @throws ConfigException listing every problem, when the file is missing, unreadable, not TOML or invalid
     */
    public static NodeConfig load(Path file) {
        return build(TomlConfigReader.read(file));
    }

    /**
     * Parses node configuration text; relative paths in it resolve against the working directory.
     *
     * @param sourceName how problems name the text
     * @throws ConfigException listing every problem
     */
    public static NodeConfig parse(String toml, String sourceName) {
        return parse(toml, sourceName, Path.of(""));
    }

    /**
     * Parses node configuration text; relative paths in it resolve against {@code baseDir}.
     *
     * @throws ConfigException listing every problem
     */
    public static NodeConfig parse(String toml, String sourceName, Path baseDir) {
        return build(TomlConfigReader.parse(toml, sourceName, baseDir));
    }

    static NodeConfig build(ConfigDocument document) {
        ConfigTable root = document.root();
        String bindAddr = address(root, "bindAddr", DEFAULT_BIND_ADDR, "bindPort");
        int bindPort = root.integer("bindPort", DEFAULT_BIND_PORT, 0, 65535);
        String proxyBindAddr = address(root, "proxyBindAddr", bindAddr, "allowPorts");
        String subdomainHost = subdomainHost(root);
        String publicHost = root.string("publicHost", subdomainHost != null ? subdomainHost : DEFAULT_PUBLIC_HOST);
        int vhostHttpPort = root.integer("vhostHTTPPort", DEFAULT_VHOST_HTTP_PORT, -1, 65535);
        String vhostBindAddr = address(root, "vhostBindAddr", bindAddr, "vhostHTTPPort");
        List<PortRange> allowPorts = root.has("allowPorts") ? allowPorts(root) : DEFAULT_ALLOW_PORTS;
        Path dataDir = root.path("dataDir", DEFAULT_DATA_DIR);
        int heartbeatTimeoutSeconds =
                root.integer("heartbeatTimeoutSeconds", DEFAULT_HEARTBEAT_TIMEOUT_SECONDS, 1, 300);
        NodeTlsConfig tls = tls(root.table("tls"));
        ControlPlaneConfig controlPlane = root.has("controlPlane") ? controlPlane(root, root.table("controlPlane"))
                : null;
        List<TokenEntry> tokens = controlPlane == null ? tokens(root) : List.of();
        HttpsConfig https = new HttpsConfig(root.integer("vhostHTTPSPort", -1, -1, 65535), certificates(root));

        List<NodeConfig.StaticMapping> staticMappings = StaticMappingsLoader.staticMappings(root, allowPorts);
        AdminConfig admin = admin(root.table("admin"));

        int p2pPort = root.integer("p2pPort", bindPort, -1, 65535);
        int udpSessionIdleSeconds = root.integer("udpSessionIdleSeconds",
                NodeConfig.DEFAULT_UDP_SESSION_IDLE_SECONDS, 1, MAX_UDP_SESSION_IDLE_SECONDS);

        document.throwIfInvalid();
        return new NodeConfig(bindAddr, bindPort, proxyBindAddr, publicHost, vhostHttpPort, vhostBindAddr,
                subdomainHost, allowPorts, dataDir, heartbeatTimeoutSeconds, tls, tokens, controlPlane, https,
                staticMappings, admin, p2pPort, udpSessionIdleSeconds);
    }

    /** {@code [admin] bind}: {@code host:port}, {@code [v6]:port}, or {@code :port} / {@code port} for loopback. */
    private static AdminConfig admin(ConfigTable t) {
        String bind = t.string("bind");
        if (bind == null) {
            return null;
        }
        Matcher m = ADMIN_BIND.matcher(bind);
        int port = m.matches() ? parsePort(m.group(3)) : -1;
        if (port < 0) {
            t.problem("bind", "'" + bind + "' is not an address and port (expected: such as \"127.0.0.1:7400\", "
                    + "or \":7400\" for 127.0.0.1; the port 0-65535)");
            return null;
        }
        String host = m.group(1) != null ? m.group(1) : m.group(2);
        return new AdminConfig(host == null || host.isEmpty() ? "127.0.0.1" : host, port);
    }

    private static int parsePort(String digits) {
        // At most 5 digits by the pattern, so this never overflows.
        int port = Integer.parseInt(digits);
        return port <= 65535 ? port : -1;
    }

    /** The {@code [[certificates]]} tables; every file is read now so that a bad one stops the node at start. */
    private static List<CertificateEntry> certificates(ConfigTable root) {
        List<CertificateEntry> entries = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        for (ConfigTable t : root.tables("certificates")) {
            List<String> domains = t.strings("domains",
                    d -> DnsNames.isHostName(d.startsWith("*.") ? d.substring(2) : d),
                    "is not a host name or wildcard (expected: such as app.example.com or *.tunnel.example.com)");
            if (domains.isEmpty() && !t.hasProblems("domains")) {
                t.problem("domains", "required: the host names this certificate is for, such as"
                        + " [\"*.tunnel.example.com\"]");
            }
            List<String> lower = new ArrayList<>();
            for (String d : domains) {
                String host = d.toLowerCase(Locale.ROOT);
                String previous = owners.putIfAbsent(host, t.keyPath());
                if (previous != null) {
                    t.problem("domains", "'" + d + "' already has a certificate in " + previous + "; keep one");
                }
                lower.add(host);
            }
            Path certFile = t.existingFile("certFile");
            Path keyFile = t.existingFile("keyFile");
            if (!t.has("certFile")) {
                t.problem("certFile", "required: the PEM certificate chain (leaf first)");
            }
            if (!t.has("keyFile")) {
                t.problem("keyFile", "required: the PEM private key of the certificate");
            }
            if (certFile != null && keyFile != null && !t.hasProblems("certFile") && !t.hasProblems("keyFile")) {
                try {
                    NodeCertificate.load(certFile, keyFile);
                } catch (IOException | RuntimeException e) {
                    t.problem("certFile", "cannot load the certificate and key: " + e.getMessage());
                }
            }
            entries.add(new CertificateEntry(lower, certFile, keyFile));
        }
        return entries;
    }

    private static ControlPlaneConfig controlPlane(ConfigTable root, ConfigTable t) {
        if (root.has("tokens")) {
            root.problem("tokens", "[[tokens]] is not used with [controlPlane]: the control plane decides which"
                    + " tokens may connect; remove the [[tokens]] entries");
        }
        String url = t.requiredString("url");
        URI uri = null;
        if (url != null) {
            try {
                uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    t.problem("url", "'" + url + "' is not an http(s) URL (expected: such as http://127.0.0.1:8443)");
                }
            } catch (URISyntaxException e) {
                t.problem("url", "'" + url + "' is not a URL: " + e.getReason());
            }
        }
        String credential = t.secret("credential");
        Path credentialFile = t.existingFile("credentialFile");
        if (t.has("credential") == t.has("credentialFile")) {
            t.problem("set either 'credential' or 'credentialFile' (a file holding it), not "
                    + (t.has("credential") ? "both" : "neither") + "; the credential is shown once by"
                    + " POST /api/v1/nodes");
        } else if (credentialFile != null && !t.hasProblems("credentialFile")) {
            try {
                credential = Files.readString(credentialFile).trim();
            } catch (IOException e) {
                t.problem("credentialFile", "cannot read " + credentialFile + ": " + e.getMessage());
            }
        }
        if (credential != null && !credential.startsWith(Tokens.PREFIX)) {
            t.problem(t.has("credential") ? "credential" : "credentialFile", "not a node credential (expected: "
                    + Tokens.PREFIX + "..., as POST /api/v1/nodes returned it)");
        }
        int timeout = t.integer("requestTimeout", DEFAULT_CONTROL_PLANE_TIMEOUT_SECONDS, 1, 300);
        return new ControlPlaneConfig(uri, credential, Duration.ofSeconds(timeout));
    }

    private static String address(ConfigTable root, String key, String defaultValue, String portKey) {
        String addr = root.string(key, defaultValue);
        if (root.has(key) && HOST_AND_PORT.matcher(addr).matches()) {
            root.problem(key, "'" + addr + "' looks like host:port; give only the address here and the port in '"
                    + portKey + "'");
        }
        return addr;
    }

    private static String subdomainHost(ConfigTable root) {
        String ours = root.string("subdomainHost");
        // frp spells it subDomainHost; accepting that spelling lets frp users bring their files over.
        String frps = root.string("subDomainHost");
        if (ours != null && frps != null) {
            root.problem("subDomainHost", "'subDomainHost' and 'subdomainHost' are the same setting; keep one");
        }
        String host = ours != null ? ours : frps;
        if (host != null && !DnsNames.isHostName(host)) {
            root.problem(ours != null ? "subdomainHost" : "subDomainHost",
                    "'" + host + "' is not a valid DNS name (expected: such as tunnel.example.com)");
        }
        return host;
    }

    private static List<PortRange> allowPorts(ConfigTable root) {
        List<PortRange> ranges = new ArrayList<>();
        for (ConfigTable t : root.tables("allowPorts")) {
            boolean single = t.has("single");
            boolean start = t.has("start");
            boolean end = t.has("end");
            if (single && !start && !end) {
                int port = t.integer("single", 0, 1, 65535);
                if (port > 0) {
                    ranges.add(new PortRange(port, port));
                }
            } else if (start && end && !single) {
                int s = t.integer("start", 0, 1, 65535);
                int e = t.integer("end", 0, 1, 65535);
                if (s > 0 && e > 0) {
                    if (s > e) {
                        t.problem("start (" + s + ") is greater than end (" + e + ")");
                    } else {
                        ranges.add(new PortRange(s, e));
                    }
                }
            } else {
                t.problem("expected { single = <port> } or { start = <port>, end = <port> }");
            }
        }
        return ranges;
    }

    private static NodeTlsConfig tls(ConfigTable tls) {
        Path certFile = tls.existingFile("certFile");
        Path keyFile = tls.existingFile("keyFile");
        boolean hasCert = tls.has("certFile");
        if (hasCert != tls.has("keyFile")) {
            String missing = hasCert ? "keyFile" : "certFile";
            String present = hasCert ? "certFile" : "keyFile";
            tls.problem(missing, "required key is missing: '" + present + "' is set and the two go together "
                    + "(leave both out to have the node generate a certificate)");
        }
        return new NodeTlsConfig(certFile, keyFile);
    }

    private static List<TokenEntry> tokens(ConfigTable root) {
        List<ConfigTable> tables = root.tables("tokens");
        if (tables.isEmpty() && !root.hasProblems("tokens")) {
            root.problem("tokens", "at least one [[tokens]] entry is required; " + GENERATE_HINT);
        }
        Map<String, String> pathByName = new HashMap<>();
        Map<String, String> pathByHash = new HashMap<>();
        List<TokenEntry> entries = new ArrayList<>();
        for (ConfigTable t : tables) {
            String name = t.requiredString("name");
            if (name != null) {
                String previous = pathByName.putIfAbsent(name, t.keyPath());
                if (previous != null) {
                    t.problem("name", "duplicate token name '" + name + "' (also used by " + previous + ")");
                } else {
                    t.describedAs("token '" + name + "'");
                }
            }
            String token = t.secret("token");
            String tokenHash = t.string("tokenHash");
            boolean plain = t.has("token");
            boolean hashed = t.has("tokenHash");
            if (plain && hashed) {
                t.problem("set either 'token' or 'tokenHash', not both");
            } else if (!plain && !hashed) {
                t.problem("needs 'token' or 'tokenHash'; " + GENERATE_HINT);
            }
            if (token != null && token.length() < MIN_PLAIN_TOKEN_LENGTH) {
                t.problem("token", "too short (" + token.length() + " characters, expected: at least "
                        + MIN_PLAIN_TOKEN_LENGTH + "); " + GENERATE_HINT);
            }
            if (tokenHash != null && !TOKEN_HASH.matcher(tokenHash).matches()) {
                t.problem("tokenHash", "'" + tokenHash + "' is not a token hash (expected: " + Tokens.HASH_PREFIX
                        + "<64 lower-case hex digits>)");
            }
            // Two entries with one credential would make a login ambiguous; compare hashes so a plain token
            // also clashes with its own hash.
            String hash = token != null ? Tokens.hash(token) : tokenHash;
            if (hash != null) {
                String previous = pathByHash.putIfAbsent(hash, t.keyPath());
                if (previous != null) {
                    t.problem(token != null ? "token" : "tokenHash",
                            "same credential as " + previous + "; each entry needs its own token");
                }
            }
            int maxTunnels = t.integer("maxTunnels", 0, 0, Integer.MAX_VALUE);
            int maxConnectionsPerTunnel = t.integer("maxConnectionsPerTunnel", 0, 0, Integer.MAX_VALUE);
            entries.add(new TokenEntry(name, token, tokenHash, maxTunnels, maxConnectionsPerTunnel));
        }
        return entries;
    }
}
