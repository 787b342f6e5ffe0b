package dev.flux.protocol.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The PROXY protocol header (HAProxy's, versions 1 and 2) that an agent writes first on a connection to the local
 * service, so that the service sees the visitor's address instead of the agent's. Only the sending side: the
 * local service parses it (nginx {@code proxy_protocol}, HAProxy {@code accept-proxy}, ...).
 */
public enum ProxyProtocol {

    /** The text form: {@code PROXY TCP4 1.2.3.4 5.6.7.8 1111 2222\r\n}; TCP only. */
    V1,
    /** The binary form, TCP or UDP, IPv4 or IPv6. */
    V2;

    /** Version 2's 12-byte signature. */
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final int V2_VERSION_PROXY = 0x21;
    private static final int V2_INET_STREAM = 0x11;
    private static final int V2_INET_DGRAM = 0x12;
    private static final int V2_INET6_STREAM = 0x21;
    private static final int V2_INET6_DGRAM = 0x22;

    /**
     * The configuration value: {@code "v1"} or {@code "v2"}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static ProxyProtocol parse(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "v1", "1" -> V1;
            case "v2", "2" -> V2;
            default -> throw new IllegalArgumentException("unknown PROXY protocol version '" + value
                    + "' (expected: v1 or v2)");
        };
    }

    /** {@code v1} or {@code v2}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The header for a connection (or, with {@code datagram}, a UDP flow) from {@code source} (the visitor) to
     * {@code destination} (the address the visitor reached, on the node). Mixed families (an IPv4 visitor on an
     * IPv6 listener) are sent as IPv6, with the IPv4 address mapped.
     *
     * @throws IllegalArgumentException for {@link #V1} with {@code datagram}: version 1 describes TCP only
     */
    public ByteBuf header(ByteBufAllocator alloc, InetSocketAddress source, InetSocketAddress destination,
                          boolean datagram) {
        InetAddress src = source.getAddress();
        InetAddress dst = destination.getAddress();
        boolean v4 = src instanceof Inet4Address && dst instanceof Inet4Address;
        byte[] srcBytes = v4 ? src.getAddress() : ipv6Bytes(src);
        byte[] dstBytes = v4 ? dst.getAddress() : ipv6Bytes(dst);
        if (this == V1) {
            if (datagram) {
                throw new IllegalArgumentException("PROXY protocol v1 describes TCP connections only; use v2 for UDP");
            }
            String line = "PROXY " + (v4 ? "TCP4 " : "TCP6 ") + text(srcBytes, v4) + ' ' + text(dstBytes, v4) + ' '
                    + source.getPort() + ' ' + destination.getPort() + "\r\n";
            return alloc.buffer(line.length()).writeBytes(line.getBytes(StandardCharsets.US_ASCII));
        }
        int addressLength = 2 * srcBytes.length + 4;
        ByteBuf out = alloc.buffer(16 + addressLength);
        out.writeBytes(V2_SIGNATURE);
        out.writeByte(V2_VERSION_PROXY);
        out.writeByte(v4 ? (datagram ? V2_INET_DGRAM : V2_INET_STREAM) : (datagram ? V2_INET6_DGRAM : V2_INET6_STREAM));
        out.writeShort(addressLength);
        out.writeBytes(srcBytes);
        out.writeBytes(dstBytes);
        out.writeShort(source.getPort());
        out.writeShort(destination.getPort());
        return out;
    }

    private static byte[] ipv6Bytes(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length == 16) {
            return raw;
        }
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xFF;
        mapped[11] = (byte) 0xFF;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return mapped;
    }

    /** Dotted quad, or the full (uncompressed) hex form that every PROXY parser accepts. */
    private static String text(byte[] address, boolean v4) {
        StringBuilder s = new StringBuilder(39);
        if (v4) {
            for (int i = 0; i < 4; i++) {
                s.append(i == 0 ? "" : ".").append(address[i] & 0xFF);
            }
            return s.toString();
        }
        for (int i = 0; i < 16; i += 2) {
            s.append(i == 0 ? "" : ":").append(Integer.toHexString(((address[i] & 0xFF) << 8) | (address[i + 1] & 0xFF)));
        }
        return s.toString();
    }
}
