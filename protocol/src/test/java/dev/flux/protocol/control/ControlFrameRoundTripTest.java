package dev.flux.protocol.control;

import static dev.flux.protocol.control.ControlFrames.concat;
import static dev.flux.protocol.control.ControlFrames.direct;
import static dev.flux.protocol.control.ControlFrames.frame;
import static dev.flux.protocol.control.ControlFrames.readAllInbound;
import static dev.flux.protocol.control.ControlFrames.readAllOutbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Encoder and decoder together: every message type survives the wire, whole and in any fragmentation. */
class ControlFrameRoundTripTest {

    /** One or more realistic instances of every message type, with lists, nulls and non-ASCII text. */
    static List<ControlMessage> messages() {
        return List.of(
                new Login("flx_3q2_7wZx1yTzQ9vN0aB4cD5eF6gH7iJ8kL9mN0oP1q", "7b0f6c1e-2d7a-4c55-9d1e-0b3a9c1f2e44",
                        "0.1.0", "build-host-01"),
                new Login("flx_t", "run", "dev", null),
                new LoginAccepted("sess-5f2c9a", "eu-west-1", "0.1.0"),
                new LoginRejected("token not recognised"),
                new LoginRejected("control plane unreachable", true),
                new RegisterTunnel("web", "http", "127.0.0.1:8080", 0, "web",
                        List.of("app.example.com", "www.example.com"), "localhost:8080", "alice", "s3cr3t\"pw"),
                new RegisterTunnel("ssh", "tcp", "127.0.0.1:22", 6022, null, null, null, null, null),
                new TunnelReady("web", 0, List.of("http://web.tunnel.example.com", "https://app.example.com")),
                new TunnelReady("ssh", 6022, List.of("tcp://tunnel.example.com:6022")),
                new TunnelReady("empty", 7000, null),
                new TunnelRejected("ssh", "port 6022 is held by another agent", true),
                new TunnelRejected("db", "port 5432 is outside the allowed ranges 6000-7000", false),
                new UnregisterTunnel("web"),
                new TunnelClosed("web", "geschlossen vom Betreiber – 運用者"),
                new TunnelClosed("web", null),
                new RegisterTunnel("shop", "https", "127.0.0.1:8443", 0, "shop", List.of("shop.example.com"), null,
                        null, null, RegisterTunnel.TLS_NODE),
                new RegisterTunnel("ssh", "stcp", "127.0.0.1:22", 0, null, null, null, null, null,
                        List.of("alice", "bob")),
                new OpenVisit(7, "stcp", "ssh", null),
                new OpenVisit(Long.MAX_VALUE, "sudp", "dns", "alice"),
                new VisitRejected(7, "no secret tunnel named 'ssh' on this node"),
                new PeerConnect(3, "ssh", null),
                new PeerConnect(Long.MAX_VALUE, "ssh", "alice"),
                new PeerSession(3, "ssh", "00112233445566778899aabbccddeeff", PeerSession.VISITOR, 7000,
                        "alice@203.0.113.7:51820"),
                new PeerSession(0, "ssh", "00112233445566778899aabbccddeeff", PeerSession.OWNER, 7000, "bob@host"),
                new PeerCandidates("00112233445566778899aabbccddeeff", List.of("203.0.113.7:51820", "10.0.0.2:51820",
                        "[2001:db8::1]:4000")),
                new PeerCandidates("00112233445566778899aabbccddeeff", null),
                new PeerRejected(3, "this node has peer-to-peer disabled (p2pPort = -1)"));
    }

    /** A conversation of several frames, short enough to be split at every byte quickly. */
    static List<ControlMessage> conversation() {
        return List.of(
                new Login("flx_3q2-7wZx1yTzQ9vN0aB4cD5eF6gH7iJ8kL9mN0oP1q", "7b0f6c1e", "0.1.0", null),
                new RegisterTunnel("web", "http", "127.0.0.1:8080", 0, null, List.of("app.example.com", "ö.example"),
                        null, "alice", "pw"),
                new TunnelReady("web", 0, List.of("http://web.tunnel.example.com")),
                new TunnelRejected("ssh", "port 22 is not allowed", false),
                new UnregisterTunnel("web"),
                new TunnelClosed("web", "geschlossen – 運用者"));
    }

    @Test
    void theMessagesCoverEveryType() {
        assertThat(messages().stream().map(Object::getClass).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(ControlMessageType.values())
                        .map(ControlMessageType::messageClass).collect(Collectors.toList()));
    }

    @ParameterizedTest
    @MethodSource("messages")
    void roundTrip(ControlMessage message) throws Exception {
        EmbeddedChannel ch = codecChannel();

        assertThat(ch.writeOutbound(message)).isTrue();
        byte[] wire = readAllOutbound(ch);
        assertWireFormat(message, wire);
        ByteBuf in = direct(wire);
        assertThat(ch.writeInbound(in)).isTrue();

        assertThat(readAllInbound(ch)).containsExactly(message);
        assertThat(in.refCnt()).as("input buffer released").isZero();
        assertThat(ch.finish()).as("nothing left in the channel").isFalse();
    }

    /** A big-endian length of the UTF-8 body, then a JSON object that starts with its type and version. */
    private static void assertWireFormat(ControlMessage message, byte[] wire) throws Exception {
        int length = ByteBuffer.wrap(wire).getInt();
        assertThat(length).as("length prefix").isEqualTo(wire.length - 4);
        JsonNode json = new ObjectMapper().readTree(Arrays.copyOfRange(wire, 4, wire.length));
        ControlMessageType type = ControlMessageType.of(message);
        assertThat(json.get("type").asText()).isEqualTo(type.wireName());
        assertThat(json.get("v").asInt()).isEqualTo(type.version());
        assertThat(json.fieldNames()).toIterable().startsWith("type", "v");
    }

    @Test
    void wireFormatOfOneMessageExactly() {
        byte[] body = "{\"type\":\"unregister-tunnel\",\"v\":1,\"name\":\"web\"}".getBytes(StandardCharsets.UTF_8);

        assertThat(encode(new UnregisterTunnel("web"))).isEqualTo(concat(ControlFrames.lengthPrefix(body.length), body));
    }

    @Test
    void wireNamesAreKebabCase() {
        assertThat(Arrays.stream(ControlMessageType.values()).map(ControlMessageType::wireName))
                .containsExactly("login", "login-accepted", "login-rejected", "register-tunnel", "tunnel-ready",
                        "tunnel-rejected", "unregister-tunnel", "tunnel-closed", "open-visit", "visit-rejected",
                        "peer-connect", "peer-session", "peer-candidates", "peer-rejected");
        for (ControlMessageType t : ControlMessageType.values()) {
            assertThat(ControlMessageType.forWireName(t.wireName())).isSameAs(t);
            assertThat(t.version()).isEqualTo(1);
        }
    }

    @Test
    void aStreamOfFramesSplitAtEveryByteBoundaryDecodesToTheSameMessagesInOrder() {
        List<ControlMessage> messages = conversation();
        byte[] stream = encodeAll(messages);

        for (int split = 0; split <= stream.length; split++) {
            EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
            ByteBuf first = direct(stream, 0, split);
            ByteBuf second = direct(stream, split, stream.length);

            ch.writeInbound(first);
            ch.writeInbound(second);

            assertThat(readAllInbound(ch)).as("split at %d of %d", split, stream.length)
                    .containsExactlyElementsOf(messages);
            assertThat(first.refCnt() + second.refCnt()).as("split at %d: inputs released", split).isZero();
            assertThat(ch.finish()).as("split at %d: nothing left", split).isFalse();
        }
    }

    @Test
    void aStreamOfFramesFedOneByteAtATimeDecodesToTheSameMessagesInOrder() {
        List<ControlMessage> messages = conversation();
        byte[] stream = encodeAll(messages);
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        List<Object> decoded = new ArrayList<>();
        List<ByteBuf> inputs = new ArrayList<>();

        for (int i = 0; i < stream.length; i++) {
            ByteBuf b = direct(stream, i, i + 1);
            inputs.add(b);
            ch.writeInbound(b);
            decoded.addAll(readAllInbound(ch));
        }

        assertThat(decoded).containsExactlyElementsOf(messages);
        assertThat(inputs).allSatisfy(b -> assertThat(b.refCnt()).isZero());
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aStreamOfFramesInOneBufferDecodesToEveryMessage() {
        List<ControlMessage> messages = messages();
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());

        ch.writeInbound(direct(encodeAll(messages)));

        assertThat(readAllInbound(ch)).containsExactlyElementsOf(messages);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aFrameOfExactlyTheMaximumLengthIsEncodedAndDecoded() {
        UnregisterTunnel largest = new UnregisterTunnel(nameForFrameLength(ControlFrameDecoder.DEFAULT_MAX_FRAME_LENGTH));
        EmbeddedChannel ch = codecChannel();

        ch.writeOutbound(largest);
        byte[] wire = readAllOutbound(ch);
        assertThat(wire).hasSize(4 + ControlFrameDecoder.DEFAULT_MAX_FRAME_LENGTH);
        // in 1000-byte fragments, as TLS records and HTTP/2 DATA frames would cut it
        for (int i = 0; i < wire.length; i += 1000) {
            ch.writeInbound(direct(wire, i, Math.min(wire.length, i + 1000)));
        }

        assertThat(readAllInbound(ch)).containsExactly(largest);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theEncoderRefusesAMessageOverTheMaximumAndWritesNothing() {
        UnregisterTunnel tooLarge = new UnregisterTunnel(nameForFrameLength(ControlFrameDecoder.DEFAULT_MAX_FRAME_LENGTH + 1));
        EmbeddedChannel ch = codecChannel();

        assertThatThrownBy(() -> ch.writeOutbound(tooLarge))
                .isInstanceOf(EncoderException.class)
                .hasRootCauseInstanceOf(ControlProtocolException.class)
                .rootCause().hasMessage("control frame length (65537) exceeds the allowed maximum (65536)");
        assertThat(ch.outboundMessages()).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theEncoderIsSharable() {
        EmbeddedChannel a = new EmbeddedChannel(ControlFrameEncoder.INSTANCE);
        EmbeddedChannel b = new EmbeddedChannel(ControlFrameEncoder.INSTANCE);

        a.writeOutbound(new UnregisterTunnel("a"));
        b.writeOutbound(new UnregisterTunnel("b"));

        assertThat(readAllOutbound(a)).isEqualTo(encode(new UnregisterTunnel("a")));
        assertThat(readAllOutbound(b)).isEqualTo(encode(new UnregisterTunnel("b")));
        assertThat(a.finish()).isFalse();
        assertThat(b.finish()).isFalse();
    }

    @Test
    void aDecodedMessageIgnoresUnknownFields() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());

        ch.writeInbound(direct(frame("{\"type\":\"tunnel-closed\",\"v\":1,\"name\":\"web\",\"reason\":\"limit\","
                + "\"closedAt\":\"2026-11-24T12:00:00Z\",\"limits\":{\"maxConnections\":[1,2,{\"x\":null}]},"
                + "\"retry\":true}")));

        assertThat(readAllInbound(ch)).containsExactly(new TunnelClosed("web", "limit"));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void fieldOrderDoesNotMatterAndMissingObjectFieldsAreNull() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());

        ch.writeInbound(direct(frame("{\"name\":\"web\",\"v\":1,\"tunnelType\":\"http\",\"type\":\"register-tunnel\","
                + "\"remotePort\":0}")));

        assertThat(readAllInbound(ch)).containsExactly(
                new RegisterTunnel("web", "http", null, 0, null, List.of(), null, null, null));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void loginToStringNeverShowsTheToken() {
        Login login = new Login("flx_SuperSecretTokenValue", "run-1", "0.1.0", "host-a");

        assertThat(login.toString()).doesNotContain("SuperSecret").doesNotContain("flx_")
                .contains("run-1", "0.1.0", "host-a");
    }

    @Test
    void registerTunnelToStringNeverShowsThePassword() {
        RegisterTunnel r = new RegisterTunnel("web", "http", "127.0.0.1:8080", 0, "web", List.of(), null, "alice",
                "hunter2-password");

        assertThat(r.toString()).doesNotContain("hunter2").contains("web", "basicAuth=true");
    }

    private static EmbeddedChannel codecChannel() {
        return new EmbeddedChannel(new ControlFrameDecoder(), ControlFrameEncoder.INSTANCE);
    }

    private static byte[] encode(ControlMessage message) {
        EmbeddedChannel ch = new EmbeddedChannel(ControlFrameEncoder.INSTANCE);
        ch.writeOutbound(message);
        byte[] wire = readAllOutbound(ch);
        assertThat(ch.finish()).isFalse();
        return wire;
    }

    private static byte[] encodeAll(List<ControlMessage> messages) {
        return concat(messages.stream().map(ControlFrameRoundTripTest::encode).toArray(byte[][]::new));
    }

    /** A tunnel name that makes an {@link UnregisterTunnel} frame body exactly {@code length} bytes long. */
    private static String nameForFrameLength(int length) {
        int overhead = "{\"type\":\"unregister-tunnel\",\"v\":1,\"name\":\"\"}".length();
        return "n".repeat(length - overhead);
    }
}
