package dev.flux.client.config;

import dev.flux.client.inspect.InspectionConfigReader;
import dev.flux.protocol.config.ConfigDocument;
import dev.flux.protocol.config.ConfigException;
import dev.flux.protocol.config.ConfigTable;
import dev.flux.protocol.config.DnsNames;
import dev.flux.protocol.config.TomlConfigReader;
import dev.flux.protocol.tls.Fingerprint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads {@code flux.toml} into an {@link AgentConfig}: applies the defaults and checks every value, reporting all
 * problems together in one {@link ConfigException}. See {@code docs/examples/flux.toml} for every key.
 */
public final class AgentConfigLoader {

    static final int DEFAULT_SERVER_PORT = 7000;
    static final String DEFAULT_LOCAL_IP = "127.0.0.1";

    private static final List<String> TUNNEL_TYPES = List.of(TunnelConfig.TCP, TunnelConfig.UDP, TunnelConfig.HTTP,
            TunnelConfig.HTTPS, TunnelConfig.STCP, TunnelConfig.SUDP, TunnelConfig.XTCP);
    private static final List<String> TLS_TERMINATIONS = List.of("passthrough", "node");
    private static final List<String> VISITOR_TYPES = List.of(TunnelConfig.STCP, TunnelConfig.SUDP,
            TunnelConfig.XTCP);
    private static final List<String> SECRET_ONLY_KEYS = List.of("secretKey", "allowUsers");
    private static final List<String> HTTP_ONLY_KEYS =
            List.of("subdomain", "customDomains", "hostHeaderRewrite", "httpUser", "httpPassword");
    private static final Pattern TUNNEL_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    // "tunnel.example.com:7000" is a common slip; an IPv6 address has more than one colon, so it does not match.
    private static final Pattern HOST_AND_PORT = Pattern.compile("[^:]+:[0-9]+");

    private AgentConfigLoader() {
    }

    /**
     * Reads an agent configuration file; relative paths in it resolve against the file's directory.
     *
     * @throws ConfigException listing every problem, when the file is missing, unreadable, not TOML or invalid
     */
    public static AgentConfig load(Path file) {
        return build(TomlConfigReader.read(file));
    }

    /**
     * Parses agent configuration text; relative paths in it resolve against the working directory.
     *
     * @param sourceName how problems name the text
     * @throws ConfigException listing every problem
     */
    public static AgentConfig parse(String toml, String sourceName) {
        return parse(toml, sourceName, Path.of(""));
    }

    /**
     * Parses agent configuration text; relative paths in it resolve against {@code baseDir}.
     *
     * @throws ConfigException listing every problem
     */
    public static AgentConfig parse(String toml, String sourceName, Path baseDir) {
        return build(TomlConfigReader.parse(toml, sourceName, baseDir));
    }

    static AgentConfig build(ConfigDocument document) {
        ConfigTable root = document.root();
        String serverAddr = serverAddr(root);
        int serverPort = root.integer("serverPort", DEFAULT_SERVER_PORT, 1, 65535);
        String token = root.requiredSecret("token");
        TlsConfig tls = tls(root.table("tls"), serverAddr);
        List<VisitorConfig> visitors = visitors(root);
        List<TunnelConfig> tunnels = tunnels(root, !visitors.isEmpty());
        InspectionConfigReader.read(root); // checked here with the rest; the agent's runner reads it with load()

        document.throwIfInvalid();
        return new AgentConfig(serverAddr, serverPort, token, tls, tunnels, visitors);
    }

    private static String serverAddr(ConfigTable root) {
        String addr = root.requiredString("serverAddr");
        if (addr != null && addr.contains("://")) {
            root.problem("serverAddr", "'" + addr + "' is a URL; give only the node's host name or address");
        } else if (addr != null && HOST_AND_PORT.matcher(addr).matches()) {
            root.problem("serverAddr",
                    "'" + addr + "' looks like host:port; give only the host here and the port in 'serverPort'");
        }
        return addr;
    }

    private static TlsConfig tls(ConfigTable tls, String serverAddr) {
        String fingerprint = tls.string("fingerprint");
        if (fingerprint != null) {
            try {
                // The same parser the connection uses, so a file that loads is a file that connects.
                Fingerprint.parse(fingerprint);
            } catch (IllegalArgumentException e) {
                tls.problem("fingerprint", "'" + fingerprint + "' is not a certificate fingerprint (expected: "
                        + "SHA256:<43 base64 characters>, or 64 hex digits with or without ':' separators)");
            }
        }
        Path caFile = tls.existingFile("caFile");
        String serverName = tls.string("serverName", serverAddr);
        boolean insecureSkipVerify = tls.bool("insecureSkipVerify", false);

        boolean pinned = tls.has("fingerprint");
        boolean withCa = tls.has("caFile");
        if (pinned && withCa) {
            tls.problem("set either 'fingerprint' or 'caFile', not both");
        }
        if (insecureSkipVerify && (pinned || withCa)) {
            tls.problem("insecureSkipVerify", "cannot be combined with '" + (pinned ? "fingerprint" : "caFile")
                    + "', whose check it would switch off; remove one of them");
        }
        return new TlsConfig(fingerprint, caFile, serverName, insecureSkipVerify);
    }

    private static List<TunnelConfig> tunnels(ConfigTable root, boolean hasVisitors) {
        List<ConfigTable> tables = root.tables("tunnels");
        if (tables.isEmpty() && !hasVisitors && !root.hasProblems("tunnels") && !root.hasProblems("visitors")) {
            root.problem("tunnels", "at least one [[tunnels]] or [[visitors]] entry is required");
        }
        // What two tunnels of one agent cannot share, each mapped to the key path of its first user.
        Map<String, String> names = new HashMap<>();
        Map<String, String> hosts = new HashMap<>();
        // https hosts are served on the node's HTTPS port, a namespace of their own
        Map<String, String> httpsHosts = new HashMap<>();
        // TCP and UDP ports are separate namespaces on the node: a tcp and a udp tunnel may share a port number
        Map<Integer, String> tcpPorts = new HashMap<>();
        Map<Integer, String> udpPorts = new HashMap<>();
        List<TunnelConfig> tunnels = new ArrayList<>();
        for (ConfigTable t : tables) {
            String name = name(t, names);
            String type = t.requiredString("type");
            if (type != null && !TUNNEL_TYPES.contains(type)) {
                t.problem("type", "unsupported tunnel type '" + type + "' (supported: "
                        + String.join(", ", TUNNEL_TYPES) + ")");
            }
            String localIp = t.string("localIP", DEFAULT_LOCAL_IP);
            int localPort = t.requiredInteger("localPort", 1, 65535);
            int remotePort = t.integer("remotePort", 0, 0, 65535);
            String subdomain = t.string("subdomain");
            if (subdomain != null && !DnsNames.isLowerCaseLabel(subdomain)) {
                t.problem("subdomain", "'" + subdomain + "' is not a single DNS label (expected: 1..63 of a-z 0-9 -, "
                        + "not starting or ending with '-', such as 'web')");
            }
            List<String> customDomains = t.strings("customDomains", DnsNames::isHostName,
                    "is not a valid DNS name (expected: such as app.example.com)");
            String hostHeaderRewrite = t.string("hostHeaderRewrite");
            String httpUser = t.string("httpUser");
            String httpPassword = t.secret("httpPassword");
            String tlsTermination = t.string("tlsTermination");
            if (tlsTermination != null && !TLS_TERMINATIONS.contains(tlsTermination)) {
                t.problem("tlsTermination", "'" + tlsTermination + "' is not a TLS termination (expected: "
                        + "'passthrough' to let the local service terminate TLS, or 'node' to let the node do it)");
            }
            if (t.has("tlsTermination") && !TunnelConfig.HTTPS.equals(type)) {
                t.problem("tlsTermination", "only valid for https tunnels (this tunnel is " + type + ")");
            }
            String secretKey = t.secret("secretKey");
            List<String> allowUsers = t.strings("allowUsers");

            if (TunnelConfig.HTTPS.equals(type)) {
                tlsTermination = tlsTermination == null ? "passthrough" : tlsTermination;
                checkHttps(t, customDomains, tlsTermination);
                claim(t, "subdomain", subdomain == null ? null : subdomain.toLowerCase(Locale.ROOT), httpsHosts,
                        "subdomain '" + subdomain + "'");
                for (String domain : customDomains) {
                    claim(t, "customDomains", domain.toLowerCase(Locale.ROOT), httpsHosts, "domain '" + domain + "'");
                }
            } else if (TunnelConfig.HTTP.equals(type)) {
                checkHttp(t, customDomains);
                claim(t, "subdomain", subdomain == null ? null : subdomain.toLowerCase(Locale.ROOT), hosts,
                        "subdomain '" + subdomain + "'");
                for (String domain : customDomains) {
                    claim(t, "customDomains", domain.toLowerCase(Locale.ROOT), hosts, "domain '" + domain + "'");
                }
            } else if (type != null && VISITOR_TYPES.contains(type)) {
                for (String key : HTTP_ONLY_KEYS) {
                    if (t.has(key)) {
                        t.problem(key, "only valid for http tunnels (this tunnel is " + type + ")");
                    }
                }
                if (t.has("remotePort")) {
                    t.problem("remotePort", "not valid for " + type + " tunnels: they open no port on the node; "
                            + "visitors reach them with [[visitors]] or `fluxctl visit`");
                }
                if (!t.has("secretKey") && !t.hasProblems("secretKey")) {
                    t.problem("secretKey", "required key is missing: " + type + " tunnels need the secret their "
                            + "visitors must hold");
                }
            } else if (TunnelConfig.TCP.equals(type) || TunnelConfig.UDP.equals(type)) {
                for (String key : HTTP_ONLY_KEYS) {
                    if (t.has(key)) {
                        t.problem(key, "only valid for http tunnels (this tunnel is " + type + ")");
                    }
                }
                if (remotePort != 0) {
                    boolean udp = TunnelConfig.UDP.equals(type);
                    claim(t, "remotePort", remotePort, udp ? udpPorts : tcpPorts,
                            (udp ? "remote UDP port " : "remote port ") + remotePort);
                }
            }
            if (type != null && TUNNEL_TYPES.contains(type) && !VISITOR_TYPES.contains(type)) {
                for (String key : SECRET_ONLY_KEYS) {
                    if (t.has(key)) {
                        t.problem(key, "only valid for stcp, sudp and xtcp tunnels (this tunnel is " + type + ")");
                    }
                }
            }
            tunnels.add(new TunnelConfig(name, type, localIp, localPort, remotePort, subdomain, customDomains,
                    hostHeaderRewrite, httpUser, httpPassword, tlsTermination, TunnelPolicyLoader.policy(t, type),
                    TunnelPolicyLoader.proxyProtocol(t, type), TunnelPolicyLoader.healthCheck(t), secretKey,
                    allowUsers));
        }
        return tunnels;
    }

    private static List<VisitorConfig> visitors(ConfigTable root) {
        Map<String, String> names = new HashMap<>();
        Map<String, String> binds = new HashMap<>();
        List<VisitorConfig> visitors = new ArrayList<>();
        for (ConfigTable v : root.tables("visitors")) {
            String name = v.requiredString("name");
            if (name != null && !TUNNEL_NAME.matcher(name).matches()) {
                v.problem("name", "'" + name + "' is not a valid visitor name (expected: 1..64 of A-Z a-z 0-9 _ . -)");
            } else if (name != null && names.putIfAbsent(name, v.keyPath()) != null) {
                v.problem("name", "duplicate visitor name '" + name + "' (also used by " + names.get(name) + ")");
            } else if (name != null) {
                v.describedAs("visitor '" + name + "'");
            }
            String type = v.requiredString("type");
            if (type != null && !VISITOR_TYPES.contains(type)) {
                v.problem("type", "unsupported visitor type '" + type + "' (supported: "
                        + String.join(", ", VISITOR_TYPES) + ")");
            }
            String serverName = v.requiredString("serverName");
            if (serverName != null && !TUNNEL_NAME.matcher(serverName).matches()) {
                v.problem("serverName", "'" + serverName + "' is not a tunnel name (expected: 1..64 of A-Z a-z 0-9 "
                        + "_ . -)");
            }
            String serverUser = v.string("serverUser");
            String secretKey = v.requiredSecret("secretKey");
            String bindAddr = v.string("bindAddr", DEFAULT_LOCAL_IP);
            int bindPort = v.requiredInteger("bindPort", 0, 65535);
            if (bindPort != 0 && type != null) {
                claim(v, "bindPort", type + " " + bindAddr + ":" + bindPort, binds, "local " + type + " port "
                        + bindAddr + ":" + bindPort);
            }
            visitors.add(new VisitorConfig(name, type, serverName, serverUser, secretKey, bindAddr, bindPort));
        }
        return visitors;
    }

    private static String name(ConfigTable t, Map<String, String> names) {
        String name = t.requiredString("name");
        if (name == null) {
            return null;
        }
        if (!TUNNEL_NAME.matcher(name).matches()) {
            t.problem("name", "'" + name + "' is not a valid tunnel name (expected: 1..64 of A-Z a-z 0-9 _ . -)");
        } else if (names.putIfAbsent(name, t.keyPath()) != null) {
            t.problem("name", "duplicate tunnel name '" + name + "' (also used by " + names.get(name) + ")");
        } else {
            t.describedAs("tunnel '" + name + "'");
        }
        return name;
    }

    private static void checkHttp(ConfigTable t, List<String> customDomains) {
        if (t.has("remotePort")) {
            t.problem("remotePort", "only valid for tcp and udp tunnels; visitors reach an http tunnel through "
                    + "its 'subdomain' or 'customDomains'");
        }
        if (!t.has("subdomain") && customDomains.isEmpty() && !t.hasProblems("customDomains")) {
            t.problem("an http tunnel needs a 'subdomain' or at least one entry in 'customDomains'");
        }
        if (t.has("httpUser") != t.has("httpPassword")) {
            String missing = t.has("httpUser") ? "httpPassword" : "httpUser";
            String present = t.has("httpUser") ? "httpUser" : "httpPassword";
            t.problem(missing, "required key is missing: '" + present + "' is set and the two go together");
        }
    }

    private static void checkHttps(ConfigTable t, List<String> customDomains, String tlsTermination) {
        if ("passthrough".equals(tlsTermination)) {
            for (String key : List.of("hostHeaderRewrite", "httpUser", "httpPassword")) {
                if (t.has(key)) {
                    t.problem(key, "needs tlsTermination = \"node\": with TLS passed through to the local service,"
                            + " the node sees no request to check or rewrite");
                }
            }
        }
        if (t.has("remotePort")) {
            t.problem("remotePort", "only valid for tcp and udp tunnels; visitors reach an https tunnel through "
                    + "its 'subdomain' or 'customDomains' on the node's HTTPS port");
        }
        if (!t.has("subdomain") && customDomains.isEmpty() && !t.hasProblems("customDomains")) {
            t.problem("an https tunnel needs a 'subdomain' or at least one entry in 'customDomains'");
        }
        if ("node".equals(tlsTermination) && t.has("httpUser") != t.has("httpPassword")) {
            String missing = t.has("httpUser") ? "httpPassword" : "httpUser";
            String present = t.has("httpUser") ? "httpUser" : "httpPassword";
            t.problem(missing, "required key is missing: '" + present + "' is set and the two go together");
        }
    }

    /** Records that this tunnel uses {@code value}, reporting it when an earlier tunnel already does. */
    private static <T> void claim(ConfigTable t, String key, T value, Map<T, String> users, String what) {
        if (value == null) {
            return;
        }
        String previous = users.putIfAbsent(value, t.keyPath());
        if (previous != null) {
            t.problem(key, what + " is already used by " + previous);
        }
    }
}
