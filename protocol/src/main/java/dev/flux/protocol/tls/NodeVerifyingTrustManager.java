package dev.flux.protocol.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies the node's certificate for {@link NodeTrust.Pinned} and {@link NodeTrust.InsecureSkipVerify}; for
 * CA-based trust it wraps the PKIX trust manager so that a failure names the certificate's fingerprint, which is
 * what a user pins when they decide to trust a self-signed node.
 */
final class NodeVerifyingTrustManager extends X509ExtendedTrustManager {

    private final Fingerprint pinned;
    private final X509ExtendedTrustManager pkix;

    /** Exactly one of {@code pinned} and {@code pkix} is non-null, or both are null for insecure mode. */
    NodeVerifyingTrustManager(Fingerprint pinned, X509ExtendedTrustManager pkix) {
        this.pinned = pinned;
        this.pkix = pkix;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
        if (pkix != null) {
            try {
                pkix.checkServerTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
        if (pkix != null) {
            try {
                pkix.checkServerTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
        if (pkix != null) {
            try {
                pkix.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                throw untrusted(chain, e);
            }
        }
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the node presented no certificate");
        }
        if (pinned != null && !pinned.matches(chain[0])) {
            throw new NodeCertificateMismatchException("the node's certificate fingerprint " + Fingerprint.of(chain[0])
                    + " does not match the pinned fingerprint " + pinned
                    + "; if the node's certificate was replaced on purpose, update tls.fingerprint");
        }
    }

    private static CertificateException untrusted(X509Certificate[] chain, CertificateException cause) {
        return new NodeCertificateMismatchException("the node's certificate is not trusted (" + cause.getMessage()
                + "); its fingerprint is " + Fingerprint.of(chain[0])
                + " - if this is your node, pin it with tls.fingerprint or give its CA in tls.caFile");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("an agent does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("an agent does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("an agent does not accept client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix == null ? new X509Certificate[0] : pkix.getAcceptedIssuers();
    }
}
