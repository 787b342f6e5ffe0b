package dev.flux.protocol.stream;

import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * The HEADERS of a tunnel stream. The node opens every stream (it is the HTTP/2 client on a connection the agent
 * dialled) and names what the stream is for; the agent answers {@code :status 200} when it has reached the local
 * service, or {@code 502} with {@link #ERROR} and ends the stream.
 */
public final class StreamHeaders {

    /** {@code control}, {@code tcp}, {@code http} or {@code udp}. */
    public static final String KIND = "flux-kind";
    /** The tunnel's name. */
    public static final String TUNNEL = "flux-tunnel";
    /** The public client's address ({@code ip:port}), for logs and X-Forwarded-For at the agent. */
    public static final String CLIENT = "flux-client";
    /** The node's address the public client reached ({@code ip:port}), for a PROXY protocol header at the agent. */
    public static final String SERVER = "flux-server";
    /** Why the agent could not serve the stream. */
    public static final String ERROR = "flux-error";

    public static final String KIND_CONTROL = "control";
    /** A stream to a visitor agent for one of its visits; {@link #VISIT} names which. */
    public static final String KIND_VISIT = "visit";
    /** The visitor agent's id of the visit a {@code visit} stream serves. */
    public static final String VISIT = "flux-visit";

    private StreamHeaders() {
    }

    /** Request headers of a new stream. */
    public static Http2Headers open(String kind, String tunnel, String client) {
        Http2Headers h = new DefaultHttp2Headers()
                .method("POST").scheme("https").authority("flux").path("/" + kind)
                .set(KIND, kind);
        if (tunnel != null) {
            h.set(TUNNEL, tunnel);
        }
        if (client != null) {
            h.set(CLIENT, client);
        }
        return h;
    }

    /** The agent's answer: the local service is connected. */
    public static Http2Headers accepted() {
        return new DefaultHttp2Headers().status("200");
    }

    /** The agent's answer: the stream cannot be served, with the reason. */
    public static Http2Headers failed(String reason) {
        return new DefaultHttp2Headers().status("502").set(ERROR, reason);
    }

    public static String get(Http2Headers headers, String name) {
        CharSequence v = headers.get(name);
        return v == null ? null : v.toString();
    }
}
