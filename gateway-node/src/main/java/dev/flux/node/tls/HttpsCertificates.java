package dev.flux.node.tls;

import dev.flux.node.config.NodeConfig.CertificateEntry;
import dev.flux.protocol.tls.NodeCertificate;
import dev.flux.protocol.tls.TlsContexts;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificates a node presents to HTTPS visitors of tunnels whose TLS it terminates, by host name: an exact name
 * wins over a wildcard, and {@code *.example.com} covers exactly one label below {@code example.com} (RFC 6125).
 */
public final class HttpsCertificates {

    /** No certificates: every https tunnel with {@code tlsTermination = "node"} is refused. */
    public static final HttpsCertificates NONE = new HttpsCertificates(Map.of());

    private final Map<String, SslContext> byName;
    /** Certificates the control plane handed over with a tunnel's authorization, by domain; node.toml's win. */
    private final Map<String, SslContext> uploaded = new ConcurrentHashMap<>();

    private HttpsCertificates(Map<String, SslContext> byName) {
        this.byName = Map.copyOf(byName);
    }

    /**
     * Presents {@code certificate} for {@code domain} from now on (replacing one added before), unless node.toml
     * configures a certificate for it. Not for {@link #NONE}.
     *
     * @throws IOException when the certificate cannot make a TLS context
     */
    public void add(String domain, NodeCertificate certificate) throws IOException {
        if (this == NONE) {
            throw new IllegalStateException("HttpsCertificates.NONE takes no certificates");
        }
        uploaded.put(domain.toLowerCase(Locale.ROOT), TlsContexts.forHttpsVisitors(certificate));
    }

    /** Reads the {@code [[certificates]]} of {@code node.toml}. */
    public static HttpsCertificates load(List<CertificateEntry> entries) throws IOException {
        Map<String, SslContext> byName = new HashMap<>();
        for (CertificateEntry e : entries) {
            SslContext context = TlsContexts.forHttpsVisitors(NodeCertificate.load(e.certFile(), e.keyFile()));
            for (String d : e.domains()) {
                byName.put(d.toLowerCase(Locale.ROOT), context);
            }
        }
        return new HttpsCertificates(byName);
    }

    /** Certificates held in memory, by host name or wildcard ({@code *.example.com}). */
    public static HttpsCertificates of(Map<String, NodeCertificate> certificates) throws IOException {
        Map<String, SslContext> byName = new HashMap<>();
        for (Map.Entry<String, NodeCertificate> e : certificates.entrySet()) {
            byName.put(e.getKey().toLowerCase(Locale.ROOT), TlsContexts.forHttpsVisitors(e.getValue()));
        }
        return new HttpsCertificates(byName);
    }

    /** The TLS context for a host name (lower case), or null when no certificate covers it. */
    public SslContext forHost(String host) {
        SslContext exact = byName.get(host);
        if (exact != null) {
            return exact;
        }
        int dot = host.indexOf('.');
        SslContext wildcard = dot > 0 ? byName.get("*" + host.substring(dot)) : null;
        return wildcard != null ? wildcard : uploaded.get(host);
    }

    public boolean covers(String host) {
        return forHost(host) != null;
    }
}
