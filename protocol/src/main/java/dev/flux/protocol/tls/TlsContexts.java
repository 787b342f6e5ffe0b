package dev.flux.protocol.tls;

import dev.flux.protocol.FluxVersion;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolConfig.Protocol;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior;
import io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds the TLS 1.3 contexts of both ends of an agent-to-node connection, with ALPN {@code flux/1}. */
public final class TlsContexts {

    private static final String TLS13 = "TLSv1.3";

    private TlsContexts() {
    }

    private static ApplicationProtocolConfig alpn() {
        return new ApplicationProtocolConfig(Protocol.ALPN, SelectorFailureBehavior.NO_ADVERTISE,
                SelectedListenerFailureBehavior.ACCEPT, FluxVersion.ALPN);
    }

    /** The node's server context. */
    public static SslContext forNode(NodeCertificate certificate) throws SSLException {
        return SslContextBuilder.forServer(certificate.key(), certificate.chain().toArray(new X509Certificate[0]))
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(TlsProviders.provider())
                .protocols(TLS13)
                .applicationProtocolConfig(alpn())
                .build();
    }

    /**
     * A server context for public HTTPS visitors of a tunnel whose TLS the node terminates: TLS 1.2 and 1.3, ALPN
     * {@code http/1.1} (browsers fall back to HTTP/1.1 when the server selects nothing else).
     */
    public static SslContext forHttpsVisitors(NodeCertificate certificate) throws SSLException {
        return SslContextBuilder.forServer(certificate.key(), certificate.chain().toArray(new X509Certificate[0]))
                // the JDK's own provider: under Conscrypt, Netty's ALPN glue trips over a client that offers no
                // ALPN (curl --http1.1, Java's SSLSocket), which public visitors often are
                .sslProvider(SslProvider.JDK)
                .protocols(TLS13, "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(Protocol.ALPN,
                        SelectorFailureBehavior.NO_ADVERTISE, SelectedListenerFailureBehavior.ACCEPT, "http/1.1"))
                .build();
    }

    /**
     * The agent's client context. For CA-based trust the caller must also turn on host-name verification on the
     * engine ({@link #requiresHostnameVerification(NodeTrust)}).
     */
    public static SslContext forAgent(NodeTrust trust) throws SSLException, IOException {
        return SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .sslContextProvider(TlsProviders.provider())
                .protocols(TLS13)
                .applicationProtocolConfig(alpn())
                .trustManager(trustManager(trust))
                .build();
    }

    public static boolean requiresHostnameVerification(NodeTrust trust) {
        return trust instanceof NodeTrust.CaBundle || trust instanceof NodeTrust.SystemCas;
    }

    private static TrustManager trustManager(NodeTrust trust) throws IOException {
        if (trust instanceof NodeTrust.Pinned p) {
            return new NodeVerifyingTrustManager(p.fingerprint(), null);
        }
        if (trust instanceof NodeTrust.InsecureSkipVerify) {
            return new NodeVerifyingTrustManager(null, null);
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (trust instanceof NodeTrust.CaBundle ca) {
                List<X509Certificate> cas = NodeCertificate.readCertificates(ca.file());
                if (cas.isEmpty()) {
                    throw new IOException("no PEM certificate found in CA file " + ca.file());
                }
                KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                for (int i = 0; i < cas.size(); i++) {
                    ks.setCertificateEntry("ca-" + i, cas.get(i));
                }
                tmf.init(ks);
            } else {
                tmf.init((KeyStore) null);
            }
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    return new NodeVerifyingTrustManager(null, x);
                }
            }
            throw new IllegalStateException("no X509 trust manager available");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up certificate verification: " + e.getMessage(), e);
        }
    }
}
