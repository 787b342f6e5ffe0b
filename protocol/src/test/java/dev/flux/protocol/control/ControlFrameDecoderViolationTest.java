package dev.flux.protocol.control;

import static dev.flux.protocol.control.ControlFrames.concat;
import static dev.flux.protocol.control.ControlFrames.direct;
import static dev.flux.protocol.control.ControlFrames.frame;
import static dev.flux.protocol.control.ControlFrames.lengthPrefix;
import static dev.flux.protocol.control.ControlFrames.readAllInbound;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Protocol violations: each one closes the connection, throws a {@link ControlProtocolException} that says what
 * was wrong with numbers, and leaves the decoder discarding everything after it.
 */
class ControlFrameDecoderViolationTest {

    private static final String VALID = "{\"type\":\"unregister-tunnel\",\"v\":1,\"name\":\"web\"}";

    @Test
    void anOversizedLengthPrefixFailsAsSoonAsItArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder(100));
        ByteBuf in = direct(lengthPrefix(101));

        assertThatThrownBy(() -> ch.writeInbound(in))
                .isInstanceOf(ControlProtocolException.class)
                .hasMessage("control frame length (101) exceeds the allowed maximum (100)");

        assertClosedAndEmpty(ch, in);
    }

    @Test
    void theLargestUnsignedLengthIsReportedUnsigned() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        ByteBuf in = direct(concat(lengthPrefix(0xFFFF_FFFFL), "{}".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> ch.writeInbound(in))
                .isInstanceOf(ControlProtocolException.class)
                .hasMessage("control frame length (4294967295) exceeds the allowed maximum (65536)");

        assertClosedAndEmpty(ch, in);
    }

    @Test
    void aLengthOfExactlyTheMaximumIsAccepted() {
        String json = VALID.replace("web", "w".repeat(64 - VALID.length() + 3));
        assertThat(json.getBytes(StandardCharsets.UTF_8)).hasSize(64);
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder(64));

        ch.writeInbound(direct(frame(json)));

        assertThat(readAllInbound(ch)).singleElement().isInstanceOf(UnregisterTunnel.class);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aValidFrameBeforeAnOversizedOneStillComesOutAndNothingAfterIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder(100));
        ByteBuf in = direct(concat(frame(VALID), lengthPrefix(1000), frame(VALID)));

        assertThatThrownBy(() -> ch.writeInbound(in)).isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("(1000)").hasMessageContaining("(100)");

        assertThat(readAllInbound(ch)).containsExactly(new UnregisterTunnel("web"));
        assertClosedAndEmpty(ch, in);
    }

    @Test
    void afterAViolationLaterInputIsDiscardedEvenBeforeTheChannelHasClosed() {
        // holds the decoder's close back, as a transport still flushing an error reply would
        CloseHolder closeHolder = new CloseHolder();
        EmbeddedChannel ch = new EmbeddedChannel(closeHolder, new ControlFrameDecoder(100));
        ByteBuf bad = direct(lengthPrefix(5000));

        assertThatThrownBy(() -> ch.writeInbound(bad)).isInstanceOf(ControlProtocolException.class);
        assertThat(closeHolder.closeRequested).as("decoder asked to close the channel").isTrue();
        assertThat(ch.isOpen()).isTrue();

        ByteBuf later = direct(concat(frame(VALID), frame(VALID)));
        ch.writeInbound(later);

        assertThat(readAllInbound(ch)).as("nothing decoded after the violation").isEmpty();
        assertThat(bad.refCnt() + later.refCnt()).isZero();
        closeHolder.release = true;
        assertThat(ch.finish()).as("close after the violation reports nothing more").isFalse();
    }

    @Test
    void aZeroLengthFrameIsAViolation() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        ByteBuf in = direct(concat(lengthPrefix(0), frame(VALID)));

        assertThatThrownBy(() -> ch.writeInbound(in))
                .isInstanceOf(ControlProtocolException.class)
                .hasMessage("control frame length (0) is below the minimum (1)");

        assertClosedAndEmpty(ch, in);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "hello                                      | control frame is not valid JSON: ",
            "{\"type\":\"login\"                        | control frame is not valid JSON: ",
            "`   `                                      | control frame is not a JSON object",
            "[{\"type\":\"login\",\"v\":1}]             | control frame is not a JSON object",
            "\"login\"                                  | control frame is not a JSON object",
            "42                                         | control frame is not a JSON object",
            "null                                       | control frame is not a JSON object",
            "{}                                         | control message has no 'type' field",
            "{\"v\":1,\"name\":\"web\"}                 | control message has no 'type' field",
            "{\"type\":7,\"v\":1}                       | control message has no 'type' field",
            "{\"type\":\"login\"}                       | control message 'login' has no version field 'v'",
            "{\"type\":\"login\",\"v\":\"1\"}           | control message 'login' has no version field 'v'",
            "{\"type\":\"teleport\",\"v\":1}            | unknown control message type 'teleport'",
            "{\"type\":\"LOGIN\",\"v\":1}               | unknown control message type 'LOGIN'",
            "{\"type\":\"login\",\"v\":2}               | control message 'login' has version (2) but this build supports versions 1 to 1",
            "{\"type\":\"tunnel-ready\",\"v\":0}        | control message 'tunnel-ready' has version (0) but this build supports versions 1 to 1",
            "{\"type\":\"tunnel-rejected\",\"v\":1,\"name\":\"x\",\"retryable\":\"maybe\"} | control message 'tunnel-rejected' is malformed: ",
            "{\"type\":\"tunnel-ready\",\"v\":1,\"name\":\"x\",\"urls\":\"http://x\",\"remotePort\":1} | control message 'tunnel-ready' is malformed: ",
    })
    void garbageIsAViolationThatSaysWhatIsWrong(String json, String expectedMessageStart) {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        ByteBuf in = direct(concat(frame(json), frame(VALID)));

        assertThatThrownBy(() -> ch.writeInbound(in))
                .isInstanceOf(ControlProtocolException.class)
                .hasMessageStartingWith(expectedMessageStart)
                .message().doesNotContain("\n");

        assertClosedAndEmpty(ch, in);
    }

    @Test
    void aFrameWithBytesAfterTheJsonObjectIsAViolation() {
        // The length prefix and the JSON must agree: a body that only starts with an object means the sender's
        // framing is wrong, and what follows the object would be silently lost.
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        ByteBuf in = direct(frame(VALID + "{\"type\":\"unregister-tunnel\",\"v\":1,\"name\":\"db\"}"));

        assertThatThrownBy(() -> ch.writeInbound(in)).isInstanceOf(ControlProtocolException.class)
                .hasMessageStartingWith("control frame is not");

        assertClosedAndEmpty(ch, in);
    }

    @Test
    void aStreamEndingInsideTheLengthIsATruncatedFrame() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        ByteBuf in = direct(new byte[] {0, 0});
        ch.writeInbound(in);

        assertThatThrownBy(ch::finish)
                .isInstanceOf(ControlProtocolException.class)
                .hasMessage("control stream ended inside a frame (truncated frame: got 2 of 4 bytes of the frame length)");

        assertClosedAndEmpty(ch, in);
    }

    @Test
    void aStreamEndingInsideTheBodyIsATruncatedFrameWithByteCounts() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        byte[] whole = frame(VALID);
        ByteBuf first = direct(concat(frame(VALID), whole), 0, whole.length + 4 + 10);
        ch.writeInbound(first);

        assertThat(readAllInbound(ch)).containsExactly(new UnregisterTunnel("web"));
        assertThatThrownBy(ch::finish)
                .isInstanceOf(ControlProtocolException.class)
                .hasMessage("control stream ended inside a frame (truncated frame: got 10 of " + (whole.length - 4)
                        + " bytes of the frame body)");

        assertClosedAndEmpty(ch, first);
    }

    @Test
    void aStreamEndingAfterTheLengthIsATruncatedFrameWithNoBodyBytes() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        ByteBuf in = direct(lengthPrefix(20));
        ch.writeInbound(in);

        assertThatThrownBy(ch::finish)
                .isInstanceOf(ControlProtocolException.class)
                .hasMessageContaining("truncated frame: got 0 of 20 bytes of the frame body");

        assertClosedAndEmpty(ch, in);
    }

    @Test
    void aStreamEndingBetweenFramesIsClean() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder());
        ch.writeInbound(direct(frame(VALID)));

        assertThat(readAllInbound(ch)).hasSize(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aClosedDecoderDoesNotReportTruncationAfterAViolation() {
        EmbeddedChannel ch = new EmbeddedChannel(new ControlFrameDecoder(10));
        ByteBuf in = direct(concat(lengthPrefix(11), new byte[] {1, 2, 3}));

        assertThatThrownBy(() -> ch.writeInbound(in)).isInstanceOf(ControlProtocolException.class);

        assertThat(ch.finish()).isFalse();
        assertClosedAndEmpty(ch, in);
    }

    @Test
    void theMaximumMustBePositive() {
        assertThatThrownBy(() -> new ControlFrameDecoder(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxFrameLength: 0 (expected: > 0)");
        assertThatThrownBy(() -> new ControlFrameDecoder(-1))
                .hasMessage("maxFrameLength: -1 (expected: > 0)");
    }

    private static void assertClosedAndEmpty(EmbeddedChannel ch, ByteBuf input) {
        assertThat(ch.isOpen()).as("channel closed").isFalse();
        assertThat(input.refCnt()).as("input released").isZero();
        assertThat(ch.finish()).as("nothing left inbound or outbound").isFalse();
    }

    /** Swallows close requests until told to let them through. */
    private static final class CloseHolder extends ChannelOutboundHandlerAdapter {
        boolean closeRequested;
        boolean release;

        @Override
        public void close(ChannelHandlerContext ctx, ChannelPromise promise) throws Exception {
            if (release) {
                super.close(ctx, promise);
            } else {
                closeRequested = true;
            }
        }
    }
}
