package dev.flux.protocol.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ProxyProtocolTest {

    @Test
    void v1IsTheDocumentedTextLine() {
        ByteBuf header = ProxyProtocol.V1.header(ByteBufAllocator.DEFAULT,
                new InetSocketAddress("192.0.2.10", 51234), new InetSocketAddress("198.51.100.1", 20080), false);
        try {
            assertThat(header.toString(StandardCharsets.US_ASCII))
                    .isEqualTo("PROXY TCP4 192.0.2.10 198.51.100.1 51234 20080\r\n");
        } finally {
            header.release();
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2} datagram={3}")
    @CsvSource({
            "V1, 192.0.2.10, 198.51.100.1, false, TCP4",
            "V1, 2001:db8::7, 2001:db8::1, false, TCP6",
            "V1, 192.0.2.10, ::1, false, TCP6",
            "V2, 192.0.2.10, 198.51.100.1, false, TCP4",
            "V2, 192.0.2.10, 198.51.100.1, true, UDP4",
            "V2, 2001:db8::7, 2001:db8::1, false, TCP6",
            "V2, 2001:db8::7, 2001:db8::1, true, UDP6",
    })
    void nettysDecoderReadsBackTheAddresses(ProxyProtocol version, String source, String destination,
                                            boolean datagram, HAProxyProxiedProtocol expected) {
        EmbeddedChannel channel = new EmbeddedChannel(new HAProxyMessageDecoder());
        channel.writeInbound(version.header(ByteBufAllocator.DEFAULT, new InetSocketAddress(source, 40001),
                new InetSocketAddress(destination, 443), datagram));
        HAProxyMessage message = channel.readInbound();
        try {
            assertThat(message.protocolVersion())
                    .isEqualTo(version == ProxyProtocol.V1 ? HAProxyProtocolVersion.V1 : HAProxyProtocolVersion.V2);
            assertThat(message.proxiedProtocol()).isEqualTo(expected);
            assertThat(message.sourcePort()).isEqualTo(40001);
            assertThat(message.destinationPort()).isEqualTo(443);
            assertThat(new InetSocketAddress(message.sourceAddress(), 0).getAddress())
                    .isEqualTo(new InetSocketAddress(source, 0).getAddress());
        } finally {
            message.release();
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void v1RefusesUdpAndParseNamesTheVersions() {
        assertThatThrownBy(() -> ProxyProtocol.V1.header(ByteBufAllocator.DEFAULT,
                new InetSocketAddress("192.0.2.10", 1), new InetSocketAddress("192.0.2.11", 2), true))
                .hasMessageContaining("use v2 for UDP");
        assertThat(ProxyProtocol.parse("V2")).isEqualTo(ProxyProtocol.V2);
        assertThatThrownBy(() -> ProxyProtocol.parse("v3")).hasMessage(
                "unknown PROXY protocol version 'v3' (expected: v1 or v2)");
    }
}
