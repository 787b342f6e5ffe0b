package dev.flux.controlplane.tunnel;

import org.jspecify.annotations.Nullable;

/** Where visitors reach a tunnel on a node: {@code http://web.example.com:8080}, {@code tcp://host:20001}. */
final class PublicUrls {

    private PublicUrls() {
    }

    /**
     * @param publicHost the node's public host; null when no node is known, and then there is no URL
     * @param httpPort the node's HTTP vhost port, null when it has none
     */
    static @Nullable String of(TunnelType type, @Nullable String subdomain, @Nullable String customDomain,
                               @Nullable Integer remotePort, @Nullable String publicHost,
                               @Nullable String subdomainHost, @Nullable Integer httpPort,
                               @Nullable Integer httpsPort) {
        if (publicHost == null) {
            return null;
        }
        return switch (type) {
            case HTTP -> web("http", 80, subdomain, customDomain, subdomainHost, httpPort);
            case HTTPS -> web("https", 443, subdomain, customDomain, subdomainHost, httpsPort);
            case TCP -> remotePort == null ? null : "tcp://" + publicHost + ":" + remotePort;
            case UDP -> remotePort == null ? null : "udp://" + publicHost + ":" + remotePort;
            case STCP, SUDP, XTCP -> null; // no public address: visitors ask for a visit (VisitController)
        };
    }

    private static @Nullable String web(String scheme, int defaultPort, @Nullable String subdomain,
                                        @Nullable String customDomain, @Nullable String subdomainHost,
                                        @Nullable Integer port) {
        String host = subdomain != null && subdomainHost != null ? subdomain + "." + subdomainHost : customDomain;
        if (host == null || port == null) {
            return null;
        }
        return scheme + "://" + host + (port == defaultPort ? "" : ":" + port);
    }
}
