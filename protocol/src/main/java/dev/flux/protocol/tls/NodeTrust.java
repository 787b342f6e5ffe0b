package dev.flux.protocol.tls;

import java.nio.file.Path;

/** How an agent decides that it is talking to the right node. There is no silent "trust everything" mode. */
public sealed interface NodeTrust {

    /** The node's leaf certificate must have this fingerprint (ssh known_hosts style); host names are not checked. */
    record Pinned(Fingerprint fingerprint) implements NodeTrust {
    }

    /** The node's chain must lead to a certificate in this PEM bundle and name the server name. */
    record CaBundle(Path file) implements NodeTrust {
    }

    /** The node's chain must lead to a CA trusted by this JVM's default trust store and name the server name. */
    record SystemCas() implements NodeTrust {
    }

    /** No verification at all: for tests only, logged as a warning on every connection. */
    record InsecureSkipVerify() implements NodeTrust {
    }
}
