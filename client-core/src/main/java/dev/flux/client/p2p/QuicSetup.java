package dev.flux.client.p2p;

import dev.flux.protocol.tls.NodeCertificate;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import dev.flux.protocol.net.Transports;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.Quic;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The QUIC settings of the peer-to-peer transport. QUIC's TLS only gives the path its encryption and congestion
 * control: the certificate is a throwaway self-signed one and the client trusts any, because who may use the tunnel
 * is decided inside every stream by the secret's handshake ({@code SecretStreamHandler}), exactly as on the relayed
 * path.
 */
final class QuicSetup {

    static final String ALPN = "flux-p2p/1";
    /**
     * How often an established session sends something both ways when it carries nothing else: well inside the
     * 30 s that NATs commonly keep an idle UDP mapping (RFC 4787 asks for 2 min; many home routers keep 30 s).
     * The visitor sends a QUIC datagram (which the owner acknowledges), both ends an authentic punch ack.
     * System property {@value #KEEPALIVE_PROPERTY} (milliseconds) overrides it, for NATs that forget sooner.
     */
    static final long KEEPALIVE_MILLIS = millis("flux.p2p.keepaliveMillis", 10_000);
    static final String KEEPALIVE_PROPERTY = "flux.p2p.keepaliveMillis";
    /**
     * A session with no packet for this long is dead (three keepalives lost): the visitor logs it and sets up a new
     * one, or relays, on its next connection. System property {@value #IDLE_TIMEOUT_PROPERTY} (milliseconds).
     */
    static final long IDLE_TIMEOUT_MILLIS = millis("flux.p2p.idleTimeoutMillis", 3 * KEEPALIVE_MILLIS);
    static final String IDLE_TIMEOUT_PROPERTY = "flux.p2p.idleTimeoutMillis";

    private static QuicSslContext serverContext;
    private static QuicSslContext clientContext;

    private QuicSetup() {
    }

    private static long millis(String property, long defaultMillis) {
        long v = Long.getLong(property, defaultMillis);
        if (v < 100) {
            LoggerFactory.getLogger(QuicSetup.class).warn("{}: {} (expected: at least 100 ms); using {}", property,
                    v, defaultMillis);
            return defaultMillis;
        }
        return v;
    }

    /**
     * Why peer to peer cannot work on this machine, or null when it can: the QUIC codec is native (quiche), and
     * only its linux-x86_64 build is shipped.
     */
    static String unavailableReason() {
        if (Quic.isAvailable()) {
            return null;
        }
        Throwable cause = Quic.unavailabilityCause();
        return "the native QUIC library is not available for " + System.getProperty("os.name") + "/"
                + System.getProperty("os.arch") + " (shipped for linux-x86_64 only"
                + (cause == null ? "" : "; " + cause.getMessage()) + ")";
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
        return b.maxIdleTimeout(IDLE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                .initialMaxData(32 * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(8 * 1024 * 1024)
                .initialMaxStreamDataBidirectionalRemote(8 * 1024 * 1024)
                .initialMaxStreamsBidirectional(10_000)
                .datagram(64, 64)
                // BBR paces to the measured bottleneck instead of filling every buffer on the way until a loss:
                // with CUBIC the receiving socket's 4 MiB queue alone put 40-100 ms on a 0.1 ms path and the rate
                // followed the window over that delay; BBR kept it under 10 ms and moved more data per CPU second
                // (bench/RESULTS.md, xtcp)
                .congestionControlAlgorithm(QuicCongestionControlAlgorithm.BBR);
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
