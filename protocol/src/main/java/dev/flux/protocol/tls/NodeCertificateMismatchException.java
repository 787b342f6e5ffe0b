package dev.flux.protocol.tls;

import java.security.cert.CertificateException;

/** The node's certificate is not the one the agent was told to trust. Retrying cannot help. */
public final class NodeCertificateMismatchException extends CertificateException {

    private static final long serialVersionUID = 1L;

    public NodeCertificateMismatchException(String message) {
        super(message);
    }
}
