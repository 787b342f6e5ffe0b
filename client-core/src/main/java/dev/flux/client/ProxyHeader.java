package dev.flux.client;

import dev.flux.protocol.net.ProxyProtocol;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.codec.http2.Http2Headers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PROXY protocol header of one stream: the visitor's address ({@code flux-client}) and the node address it
 * reached ({@code flux-server}), both as the node wrote them in the stream's HEADERS.
 */
record ProxyHeader(ProxyProtocol version, InetSocketAddress source, InetSocketAddress destination) {

    private static final Logger log = LoggerFactory.getLogger(ProxyHeader.class);

    /**
     * The header for a stream, or null when the tunnel sends none. A node too old to name its own address gives
     * the visitor's family's unspecified address ({@code 0.0.0.0:0}) as the destination.
     */
    static ProxyHeader of(ProxyProtocol version, Http2Headers headers) {
        if (version == null) {
            return null;
        }
        InetSocketAddress source = parse(StreamHeaders.get(headers, StreamHeaders.CLIENT));
        if (source == null) {
            log.debug("stream without a usable {} header: no PROXY header", StreamHeaders.CLIENT);
            return null;
        }
        InetSocketAddress destination = parse(StreamHeaders.get(headers, StreamHeaders.SERVER));
        if (destination == null) {
            destination = new InetSocketAddress(source.getAddress() instanceof java.net.Inet4Address
                    ? "0.0.0.0" : "::", 0);
        }
        return new ProxyHeader(version, source, destination);
    }

    ByteBuf encode(ByteBufAllocator alloc) {
        return version.header(alloc, source, destination, false);
    }

    /** The header of a UDP flow (version 2 only: its DGRAM address family), as bytes to put before each datagram. */
    byte[] encodeDatagram() {
        ByteBuf header = version.header(UnpooledByteBufAllocator.DEFAULT, source, destination, true);
        try {
            return ByteBufUtil.getBytes(header);
        } finally {
            header.release();
        }
    }

    /** {@code ip:port} or {@code [v6]:port}, literal addresses only (never a DNS lookup); null if unusable. */
    static InetSocketAddress parse(String address) {
        if (address == null) {
            return null;
        }
        int colon = address.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!host.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        try {
            int port = Integer.parseInt(address.substring(colon + 1));
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }
}
