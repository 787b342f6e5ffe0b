package dev.flux.client.p2p;

import dev.flux.protocol.tls.NodeCertificate;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import dev.flux.protocol.net.Transports;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The QUIC settings of the peer-to-peer transport. QUIC's TLS only gives the path its encryption and congestion
 * control: the certificate is a throwaway self-signed one and the client trusts any, because who may use the tunnel
 * is decided inside every stream by the secret's handshake ({@code SecretStreamHandler}), exactly as on the relayed
 * path.
 */
final class QuicSetup {

    static final String ALPN = "flux-p2p/1";
    /** A session with no packet for this long is dead (keepalive datagrams flow every 15 s). */
    static final long IDLE_TIMEOUT_SECONDS = 45;

    private static QuicSslContext serverContext;
    private static QuicSslContext clientContext;

    private QuicSetup() {
    }

    static synchronized QuicSslContext serverContext() {
        if (serverContext == null) {
            NodeCertificate c = NodeCertificate.generate(List.of("flux-p2p.invalid"));
            serverContext = QuicSslContextBuilder.forServer(c.key(), null,
                    c.chain().toArray(new X509Certificate[0])).applicationProtocols(ALPN).build();
        }
        return serverContext;
    }

    static synchronized QuicSslContext clientContext() {
        if (clientContext == null) {
            clientContext = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols(ALPN).build();
        }
        return clientContext;
    }

    private static <B extends QuicCodecBuilder<B>> B common(B b) {
        return b.maxIdleTimeout(IDLE_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .initialMaxData(32 * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(8 * 1024 * 1024)
                .initialMaxStreamDataBidirectionalRemote(8 * 1024 * 1024)
                .initialMaxStreamsBidirectional(10_000)
                .datagram(64, 64);
    }

    /**
     * With epoll, QUIC hands the kernel up to {@value #SEGMENTS} packets in one send (UDP GSO) instead of one
     * system call per 1,350 bytes; null elsewhere.
     */
    static SegmentedDatagramPacketAllocator segments() {
        return "epoll".equals(Transports.name()) ? EpollQuicUtils.newSegmentedAllocator(SEGMENTS) : null;
    }

    private static final int SEGMENTS = 16;

    /** The owner's codec: accepts the visitor's connection; every stream it opens goes to {@code streams}. */
    static ChannelHandler server(ChannelHandler connectionHandler, ChannelHandler streams) {
        QuicServerCodecBuilder b = new QuicServerCodecBuilder();
        if (segments() != null) {
            b.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, segments());
        }
        return common(b).sslContext(serverContext())
                .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                .handler(connectionHandler)
                .streamOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .streamHandler(streams)
                .build();
    }

    /** The visitor's codec. */
    static ChannelHandler client() {
        return common(new QuicClientCodecBuilder()).sslContext(clientContext()).build();
    }
}
