package dev.flux.e2e.client;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A JDK TLS client for a node's HTTPS port on 127.0.0.1: sends the tunnel's host name as SNI (no DNS needed),
 * trusts exactly one certificate and checks the host name against it, then makes one HTTP/1.1 GET.
 */
public final class SniHttpsClient {

    private final int port;
    private final SSLContext context;

    /** @param trusted the only certificate accepted from the server (a self-signed leaf) */
    public SniHttpsClient(int port, X509Certificate trusted) throws Exception {
        this.port = port;
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("trusted", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
    }

    /** {@code GET path} on {@code host}; returns the whole response (head and body) as text. */
    public String get(String host, String path) throws Exception {
        try (Socket raw = new Socket("127.0.0.1", port);
             SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, true)) {
            tls.setSoTimeout(10_000);
            SSLParameters params = tls.getSSLParameters();
            params.setServerNames(List.of(new SNIHostName(host)));
            params.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(params);
            tls.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            tls.getOutputStream().flush();
            return new String(tls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
