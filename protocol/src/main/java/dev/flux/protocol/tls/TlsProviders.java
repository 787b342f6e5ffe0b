package dev.flux.protocol.tls;

import java.security.Provider;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the JSSE provider: Conscrypt (BoringSSL) where its native library loads, the JDK's otherwise. */
public final class TlsProviders {

    private static final Logger log = LoggerFactory.getLogger(TlsProviders.class);
    private static final Provider PROVIDER = load();

    private TlsProviders() {
    }

    /** The Conscrypt provider, or null when the JDK's provider is in use. */
    public static Provider provider() {
        return PROVIDER;
    }

    /** A name for logs: {@code Conscrypt} or {@code JDK}. */
    public static String name() {
        return PROVIDER == null ? "JDK" : "Conscrypt " + PROVIDER.getVersionStr();
    }

    private static Provider load() {
        if (Boolean.getBoolean("flux.tls.jdk")) {
            log.info("TLS provider: JDK (flux.tls.jdk=true)");
            return null;
        }
        try {
            if (Conscrypt.isAvailable()) {
                Provider p = Conscrypt.newProvider();
                log.info("TLS provider: Conscrypt {}", p.getVersionStr());
                return p;
            }
            log.info("TLS provider: JDK (Conscrypt's native library is not available on this platform)");
        } catch (Throwable t) {
            log.info("TLS provider: JDK (Conscrypt failed to load: {})", t.toString());
        }
        return null;
    }
}
