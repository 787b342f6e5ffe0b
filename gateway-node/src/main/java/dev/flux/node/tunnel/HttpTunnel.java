package dev.flux.node.tunnel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * An HTTP tunnel: host names routed by the vhost listener to one agent's local web service. An https tunnel whose
 * TLS the node terminates is one too ({@link #secure()}): its hosts are served on the HTTPS vhost port instead.
 */
public final class HttpTunnel extends Tunnel {

    private final List<String> hosts;
    private final List<String> urls;
    private final String hostHeaderRewrite;
    private final byte[] expectedAuthorization;
    private final boolean secure;

    HttpTunnel(String name, AgentSession session, String localAddress, List<String> hosts, List<String> urls,
               String hostHeaderRewrite, String httpUser, String httpPassword) {
        this(name, session, localAddress, hosts, urls, hostHeaderRewrite, httpUser, httpPassword, false);
    }

    HttpTunnel(String name, AgentSession session, String localAddress, List<String> hosts, List<String> urls,
               String hostHeaderRewrite, String httpUser, String httpPassword, boolean secure) {
        super(name, session, localAddress);
        this.secure = secure;
        this.hosts = List.copyOf(hosts);
        this.urls = List.copyOf(urls);
        this.hostHeaderRewrite = hostHeaderRewrite;
        this.expectedAuthorization = httpUser == null ? null
                : ("Basic " + Base64.getEncoder().encodeToString(
                        (httpUser + ":" + httpPassword).getBytes(StandardCharsets.UTF_8))).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Whether it is a member of a load-balancing group: the vhost (HTTP, or HTTPS the node terminates) then spreads
     * requests, not connections.
     */
    public boolean grouped() {
        return group() != null;
    }

    @Override
    public List<String> hosts() {
        return hosts;
    }

    /** True for an https tunnel whose TLS the node terminates before routing requests like HTTP. */
    public boolean secure() {
        return secure;
    }

    @Override
    String kind() {
        return "http";
    }

    /** {@code https} for a tunnel whose TLS the node terminates (its streams are {@code http} all the same). */
    @Override
    public String type() {
        return secure ? "https" : "http";
    }

    @Override
    public List<String> urls() {
        return urls;
    }

    /** The Host header to send to the local service instead of the public one, or null to keep it. */
    public String hostHeaderRewrite() {
        return hostHeaderRewrite;
    }

    public boolean requiresAuthorization() {
        return expectedAuthorization != null;
    }

    /** Checks an {@code Authorization} header value in constant time. */
    public boolean authorizes(String authorization) {
        if (expectedAuthorization == null) {
            return true;
        }
        return authorization != null
                && MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    void close() {
        if (secure) {
            session().registry().leaveHttpsHosts(this, hosts);
            return;
        }
        session().registry().leaveHosts(this);
    }
}
