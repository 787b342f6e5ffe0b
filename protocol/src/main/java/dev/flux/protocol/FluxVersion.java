package dev.flux.protocol;

/** The product version and the wire protocol version this build speaks. */
public final class FluxVersion {

    /** Version of the control-message protocol; a peer announcing a newer major version is refused. */
    public static final int PROTOCOL = 1;

    /** ALPN identifier negotiated on every agent-to-node TLS connection. */
    public static final String ALPN = "flux/1";

    private FluxVersion() {
    }

    /** The product version from the jar manifest, or {@code "dev"} when run from classes. */
    public static String product() {
        String v = FluxVersion.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
