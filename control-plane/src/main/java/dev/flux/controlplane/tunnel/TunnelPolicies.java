package dev.flux.controlplane.tunnel;

import dev.flux.controlplane.api.ApiException;
import dev.flux.protocol.net.AddressRules;
import dev.flux.protocol.net.Bandwidth;
import dev.flux.protocol.net.ProxyProtocol;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A tunnel's policies: what nodes enforce (IP lists, bandwidth and connection limits) and the PROXY protocol
 * header its agent sends to the local service.
 *
 * @param allowIps CIDR blocks or addresses visitors must come from; empty admits everyone
 * @param denyIps CIDR blocks or addresses refused
 * @param proxyProtocol {@code v1}, {@code v2}, or null for none
 * @param bandwidthLimit bytes per second in each direction; 0 is unlimited
 * @param maxConnections open connections at once; 0 leaves only the token's limit
 */
public record TunnelPolicies(List<String> allowIps, List<String> denyIps, @Nullable String proxyProtocol,
                             long bandwidthLimit, int maxConnections) {

    public static final TunnelPolicies NONE = new TunnelPolicies(List.of(), List.of(), null, 0, 0);

    public TunnelPolicies {
        allowIps = List.copyOf(allowIps);
        denyIps = List.copyOf(denyIps);
    }

    /**
     * The policies of a new tunnel request, checked.
     *
     * @throws ApiException naming the field and the value that is wrong
     */
    static TunnelPolicies of(NewTunnel request) {
        List<String> allow = request.allowIps() == null ? List.of() : request.allowIps();
        List<String> deny = request.denyIps() == null ? List.of() : request.denyIps();
        check("allowIps", allow);
        check("denyIps", deny);
        String proxy = null;
        if (request.proxyProtocol() != null) {
            try {
                proxy = ProxyProtocol.parse(request.proxyProtocol()).id();
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("proxyProtocol: " + e.getMessage());
            }
            if (request.type().secret()) {
                throw ApiException.badRequest("proxyProtocol: only tcp, udp and http(s) tunnels send a PROXY header");
            }
            if (request.type() == TunnelType.UDP && !ProxyProtocol.V2.id().equals(proxy)) {
                throw ApiException.badRequest("proxyProtocol: 'v1' describes TCP connections only; udp tunnels send"
                        + " v2 (a header on every datagram)");
            }
        }
        long bandwidth = 0;
        if (request.bandwidthLimit() != null) {
            try {
                bandwidth = Bandwidth.parse(request.bandwidthLimit());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("bandwidthLimit: " + e.getMessage());
            }
        }
        int maxConnections = request.maxConnections() == null ? 0 : request.maxConnections();
        if (maxConnections < 0) {
            throw ApiException.badRequest("maxConnections: " + maxConnections + " (expected: 0 for no limit, or more)");
        }
        return new TunnelPolicies(allow, deny, proxy, bandwidth, maxConnections);
    }

    private static void check(String field, List<String> blocks) {
        for (String block : blocks) {
            try {
                AddressRules.of(List.of(block), List.of());
            } catch (IllegalArgumentException | NullPointerException e) {
                throw ApiException.badRequest(field + ": " + (e.getMessage() == null ? "null is not an IP address"
                        : e.getMessage()));
            }
        }
    }
}
