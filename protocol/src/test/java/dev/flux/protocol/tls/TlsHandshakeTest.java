package dev.flux.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flux.protocol.FluxVersion;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalIoHandler;
import io.netty.channel.local.LocalServerChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS handshakes between {@link TlsContexts#forNode} and {@link TlsContexts#forAgent} over Netty's local
 * transport, with the agent's engine set up as {@code dev.flux.client.Agent} sets it up.
 */
class TlsHandshakeTest {

    private static final String NODE_NAME = "node.example.test";

    private static EventLoopGroup group;
    private static NodeCertificate node;
    private static NodeCertificate stranger;
    private static Path nodeCaFile;
    private static Path strangerCaFile;

    @TempDir
    static Path dir;

    private final Queue<Channel> channels = new ConcurrentLinkedQueue<>();
    private Channel server;
    private volatile SslHandler serverSsl;

    @BeforeAll
    static void setUp() throws IOException {
        group = new MultiThreadIoEventLoopGroup(1, LocalIoHandler.newFactory());
        node = NodeCertificate.generate(List.of(NODE_NAME));
        stranger = NodeCertificate.generate(List.of(NODE_NAME));
        nodeCaFile = Files.writeString(dir.resolve("node-ca.pem"), node.certificatePem());
        strangerCaFile = Files.writeString(dir.resolve("stranger-ca.pem"), stranger.certificatePem());
    }

    @AfterAll
    static void tearDown() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void startNode() throws Exception {
        SslContext nodeContext = TlsContexts.forNode(node);
        server = new ServerBootstrap()
                .group(group)
                .channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        channels.add(ch);
                        serverSsl = nodeContext.newHandler(ch.alloc());
                        ch.pipeline().addLast(serverSsl, new SwallowExceptions());
                    }
                })
                .bind(new LocalAddress("flux-tls-" + UUID.randomUUID()))
                .sync().channel();
    }

    @AfterEach
    void closeEverything() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        server.close().syncUninterruptibly();
    }

    @Test
    void pinnedRightFingerprintNegotiatesTls13AndAlpn() throws Exception {
        SslHandler agent = connect(new NodeTrust.Pinned(node.fingerprint()), NODE_NAME);

        assertHandshakeSucceeded(agent);
        assertThat(agent.engine().getSession().getPeerCertificates()[0]).isEqualTo(node.leaf());
    }

    @Test
    void pinningIgnoresTheHostName() throws Exception {
        SslHandler agent = connect(new NodeTrust.Pinned(Fingerprint.parse(node.fingerprint().toString())),
                "some-other-name.invalid");

        assertHandshakeSucceeded(agent);
    }

    @Test
    void pinnedWrongFingerprintFailsNamingBothFingerprints() throws Exception {
        SslHandler agent = connect(new NodeTrust.Pinned(stranger.fingerprint()), NODE_NAME);

        Throwable failure = awaitFailure(agent);
        NodeCertificateMismatchException mismatch = findInCauseChain(failure);
        assertThat(mismatch.getMessage())
                .contains(node.fingerprint().toString())
                .contains(stranger.fingerprint().toString())
                .isEqualTo("the node's certificate fingerprint " + node.fingerprint()
                        + " does not match the pinned fingerprint " + stranger.fingerprint()
                        + "; if the node's certificate was replaced on purpose, update tls.fingerprint");
    }

    @Test
    void caBundleWithTheNodesCertificateSucceedsForANameInTheCertificate() throws Exception {
        assertHandshakeSucceeded(connect(new NodeTrust.CaBundle(nodeCaFile), NODE_NAME));
    }

    @Test
    void caBundleWithTheNodesCertificateSucceedsForLocalhost() throws Exception {
        assertHandshakeSucceeded(connect(new NodeTrust.CaBundle(nodeCaFile), "localhost"));
    }

    @Test
    void caBundleFailsForANameNotInTheCertificate() throws Exception {
        SslHandler agent = connect(new NodeTrust.CaBundle(nodeCaFile), "other.example.test");

        NodeCertificateMismatchException mismatch = findInCauseChain(awaitFailure(agent));
        assertThat(mismatch.getMessage())
                .contains("other.example.test")
                .contains(node.fingerprint().toString());
    }

    @Test
    void caBundleFailsForANodeItDoesNotContain() throws Exception {
        SslHandler agent = connect(new NodeTrust.CaBundle(strangerCaFile), NODE_NAME);

        NodeCertificateMismatchException mismatch = findInCauseChain(awaitFailure(agent));
        assertThat(mismatch.getMessage()).startsWith("the node's certificate is not trusted (")
                .contains("its fingerprint is " + node.fingerprint());
    }

    @Test
    void systemCasRejectASelfSignedNodeNamingItsFingerprint() throws Exception {
        SslHandler agent = connect(new NodeTrust.SystemCas(), NODE_NAME);

        NodeCertificateMismatchException mismatch = findInCauseChain(awaitFailure(agent));
        assertThat(mismatch.getMessage())
                .startsWith("the node's certificate is not trusted (")
                .contains("its fingerprint is " + node.fingerprint())
                .contains("tls.fingerprint");
    }

    @Test
    void insecureSkipVerifyAcceptsAnyNode() throws Exception {
        assertHandshakeSucceeded(connect(new NodeTrust.InsecureSkipVerify(), "anything.invalid"));
    }

    @Test
    void theNodeRefusesAnAgentThatOffersOnlyTls12() throws Exception {
        SslContext tls12Only = SslContextBuilder.forClient()
                .protocols("TLSv1.2")
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .build();

        SslHandler agent = connect(tls12Only, "localhost", false);

        assertThat(agent.handshakeFuture().isSuccess()).isFalse();
        assertThat(serverSsl.handshakeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(serverSsl.handshakeFuture().isSuccess()).isFalse();
    }

    @Test
    void onlyCaBasedTrustVerifiesHostNames() {
        assertThat(TlsContexts.requiresHostnameVerification(new NodeTrust.CaBundle(nodeCaFile))).isTrue();
        assertThat(TlsContexts.requiresHostnameVerification(new NodeTrust.SystemCas())).isTrue();
        assertThat(TlsContexts.requiresHostnameVerification(new NodeTrust.Pinned(node.fingerprint()))).isFalse();
        assertThat(TlsContexts.requiresHostnameVerification(new NodeTrust.InsecureSkipVerify())).isFalse();
    }

    @Test
    void aCaBundleWithoutCertificatesIsRefusedNamingTheFile() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty-ca.pem"), "");
        Path comment = Files.writeString(dir.resolve("comment-ca.pem"), "# nothing here\n");

        assertThatThrownBy(() -> TlsContexts.forAgent(new NodeTrust.CaBundle(empty)))
                .isInstanceOf(IOException.class)
                .hasMessage("no PEM certificate found in CA file " + empty);
        assertThatThrownBy(() -> TlsContexts.forAgent(new NodeTrust.CaBundle(comment)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(comment.toString());
    }

    /** Connects an agent to the node, with its engine set up as {@code Agent} does. */
    private SslHandler connect(NodeTrust trust, String serverName) throws Exception {
        return connect(TlsContexts.forAgent(trust), serverName, TlsContexts.requiresHostnameVerification(trust));
    }

    private SslHandler connect(SslContext agentContext, String serverName, boolean verifyHostName) throws Exception {
        AtomicReference<SslHandler> agentSsl = new AtomicReference<>();
        Channel client = new Bootstrap()
                .group(group)
                .channel(LocalChannel.class)
                .handler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        SslHandler ssl = agentContext.newHandler(ch.alloc(), serverName, 443);
                        agentSsl.set(ssl);
                        if (verifyHostName) {
                            SSLEngine engine = ssl.engine();
                            SSLParameters params = engine.getSSLParameters();
                            params.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(params);
                        }
                        ch.pipeline().addLast(ssl, new SwallowExceptions());
                    }
                })
                .connect(server.localAddress())
                .sync().channel();
        channels.add(client);
        // the pipeline may already be torn down after a failed handshake
        SslHandler ssl = agentSsl.get();
        assertThat(ssl.handshakeFuture().await(10, TimeUnit.SECONDS)).as("agent handshake finished").isTrue();
        return ssl;
    }

    private void assertHandshakeSucceeded(SslHandler agent) throws Exception {
        assertThat(agent.handshakeFuture().cause()).as("agent handshake failure").isNull();
        Future<Channel> nodeHandshake = serverSsl.handshakeFuture();
        assertThat(nodeHandshake.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(nodeHandshake.cause()).as("node handshake failure").isNull();

        assertThat(agent.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(serverSsl.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
        assertThat(agent.applicationProtocol()).isEqualTo(FluxVersion.ALPN).isEqualTo("flux/1");
        assertThat(serverSsl.applicationProtocol()).isEqualTo("flux/1");
    }

    private Throwable awaitFailure(SslHandler agent) throws Exception {
        assertThat(agent.handshakeFuture().isSuccess()).as("agent handshake must fail").isFalse();
        // let the node see the alert too, so that nothing is still in flight when the test closes the channels
        serverSsl.handshakeFuture().await(10, TimeUnit.SECONDS);
        assertThat(serverSsl.handshakeFuture().isSuccess()).isFalse();
        return agent.handshakeFuture().cause();
    }

    private static NodeCertificateMismatchException findInCauseChain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof NodeCertificateMismatchException m) {
                return m;
            }
        }
        throw new AssertionError("no NodeCertificateMismatchException in the cause chain of " + failure, failure);
    }

    /** Handshake failures are asserted through the handshake futures; keep them out of the log. */
    private static final class SwallowExceptions extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
