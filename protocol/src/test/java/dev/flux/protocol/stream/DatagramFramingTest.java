package dev.flux.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DatagramFramingTest {

    /** Datagrams of the edge sizes: empty, one byte, a typical one, the largest. */
    private static final List<byte[]> DATAGRAMS = List.of(
            new byte[0], new byte[] {42}, random(1200, 1), random(DatagramFraming.MAX_DATAGRAM_LENGTH, 2),
            random(3, 3));

    @Test
    void roundTripKeepsEveryBoundary() {
        EmbeddedChannel encoder = new EmbeddedChannel(DatagramFrameEncoder.INSTANCE);
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramFrameDecoder());

        for (byte[] d : DATAGRAMS) {
            ByteBuf in = direct(d);
            assertThat(encoder.writeOutbound(in)).isTrue();
            assertThat(in.refCnt()).as("written buffer released").isZero();
        }
        List<ByteBuf> frames = new ArrayList<>();
        for (ByteBuf frame; (frame = encoder.readOutbound()) != null; ) {
            frames.add(frame);
            decoder.writeInbound(frame);
        }

        assertThat(readAll(decoder)).containsExactlyElementsOf(DATAGRAMS);
        assertThat(frames).as("frames released").allMatch(f -> f.refCnt() == 0);
        assertThat(encoder.finish()).isFalse();
        assertThat(decoder.finish()).isFalse();
    }

    @Test
    void encodedFrameIsTheLengthThenThePayload() {
        EmbeddedChannel encoder = new EmbeddedChannel(DatagramFrameEncoder.INSTANCE);

        encoder.writeOutbound(direct(new byte[] {7, 8, 9}));

        ByteBuf frame = encoder.readOutbound();
        assertThat(ByteBufUtil.getBytes(frame)).containsExactly(0, 3, 7, 8, 9);
        frame.release();
        assertThat(encoder.finish()).isFalse();
    }

    @Test
    void inputSplitAtEveryByteBoundaryDecodesTheSame() {
        byte[] stream = frames(DATAGRAMS.get(0), DATAGRAMS.get(1), random(300, 4), DATAGRAMS.get(4));
        for (int cut = 0; cut <= stream.length; cut++) {
            EmbeddedChannel decoder = new EmbeddedChannel(new DatagramFrameDecoder());
            ByteBuf first = direct(stream, 0, cut);
            ByteBuf second = direct(stream, cut, stream.length - cut);

            decoder.writeInbound(first);
            decoder.writeInbound(second);

            assertThat(readAll(decoder)).as("cut at %d", cut)
                    .containsExactly(DATAGRAMS.get(0), DATAGRAMS.get(1), random(300, 4), DATAGRAMS.get(4));
            assertThat(first.refCnt() + second.refCnt()).as("input released, cut at %d", cut).isZero();
            assertThat(decoder.finish()).isFalse();
        }
    }

    @Test
    void inputFedOneByteAtATimeDecodesTheSame() {
        byte[] stream = frames(DATAGRAMS.toArray(new byte[0][]));
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramFrameDecoder());
        List<byte[]> out = new ArrayList<>();
        List<ByteBuf> inputs = new ArrayList<>();

        for (int i = 0; i < stream.length; i++) {
            ByteBuf in = direct(stream, i, 1);
            inputs.add(in);
            decoder.writeInbound(in);
            out.addAll(readAll(decoder));
        }

        assertThat(out).containsExactlyElementsOf(DATAGRAMS);
        assertThat(inputs).as("input released").allMatch(b -> b.refCnt() == 0);
        assertThat(decoder.finish()).isFalse();
    }

    @Test
    void anOversizedLengthIsAViolationNamingTheLimitAndTheValue() {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramFrameDecoder());
        ByteBuf in = direct(concat(frames(new byte[] {1}), new byte[] {(byte) 0xff, (byte) 0xe4, 1, 2, 3},
                frames(new byte[] {2})));

        assertThatThrownBy(() -> decoder.writeInbound(in))
                .isInstanceOf(DatagramFramingException.class)
                .hasMessage("datagram frame length (65508) exceeds the allowed maximum (65507)");

        assertThat(readAll(decoder)).as("the frame before the violation, nothing after it")
                .containsExactly(new byte[] {1});
        assertThat(decoder.isOpen()).as("channel closed").isFalse();
        assertThat(in.refCnt()).isZero();
        assertThat(decoder.finish()).as("nothing left, no truncation reported after the violation").isFalse();
    }

    @Test
    void theLargestLengthIsAllowed() {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramFrameDecoder());
        byte[] max = DATAGRAMS.get(3);

        decoder.writeInbound(direct(frames(max)));

        assertThat(readAll(decoder)).containsExactly(max);
        assertThat(decoder.finish()).isFalse();
    }

    @Test
    void aStreamEndingInsideAFrameIsATruncatedFrame() {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramFrameDecoder());
        byte[] stream = frames(new byte[] {1, 2}, new byte[] {3, 4, 5, 6});
        ByteBuf in = direct(stream, 0, stream.length - 1);
        decoder.writeInbound(in);

        assertThat(readAll(decoder)).containsExactly(new byte[] {1, 2});
        assertThatThrownBy(decoder::finish)
                .isInstanceOf(DatagramFramingException.class)
                .hasMessage("datagram stream ended inside a frame (truncated frame: got 3 of 4 bytes of the datagram)");
        assertThat(in.refCnt()).isZero();
        assertThat(decoder.finish()).isFalse();
    }

    @Test
    void aStreamEndingInsideTheLengthIsATruncatedFrame() {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramFrameDecoder());
        ByteBuf in = direct(new byte[] {0});
        decoder.writeInbound(in);

        assertThatThrownBy(decoder::finish)
                .isInstanceOf(DatagramFramingException.class)
                .hasMessage("datagram stream ended inside a frame (truncated frame: got 1 of 2 bytes of the frame "
                        + "length)");
        assertThat(in.refCnt()).isZero();
    }

    @Test
    void anOversizedDatagramFailsItsWriteAndIsReleased() {
        EmbeddedChannel encoder = new EmbeddedChannel(DatagramFrameEncoder.INSTANCE);
        ByteBuf big = direct(new byte[DatagramFraming.MAX_DATAGRAM_LENGTH + 1]);

        ChannelFuture write = encoder.writeOneOutbound(big);
        encoder.flushOutbound();

        assertThat(write.cause()).isInstanceOf(DatagramFramingException.class)
                .hasMessage("datagram length (65508) exceeds the allowed maximum (65507)");
        assertThat(big.refCnt()).isZero();
        assertThat((Object) encoder.readOutbound()).isNull();
        assertThat(encoder.finish()).isFalse();
    }

    @Test
    void messagesThatAreNotBuffersPassThroughBothWays() {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramFrameDecoder(), DatagramFrameEncoder.INSTANCE);
        Http2HeadersFrame headers = new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"));

        ch.writeInbound(headers);
        ch.writeOutbound(headers);

        assertThat((Object) ch.readInbound()).isSameAs(headers);
        assertThat((Object) ch.readOutbound()).isSameAs(headers);
        assertThat(ch.finish()).isFalse();
    }

    /**
     * Reads every decoded datagram as bytes, releasing each buffer. Datagrams are slices of the input, so the
     * tests check that the input's count reaches zero once they are all released.
     */
    private static List<byte[]> readAll(EmbeddedChannel ch) {
        List<byte[]> out = new ArrayList<>();
        for (ByteBuf b; (b = ch.readInbound()) != null; ) {
            out.add(ByteBufUtil.getBytes(b));
            b.release();
        }
        return out;
    }

    private static byte[] frames(byte[]... datagrams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] d : datagrams) {
            out.write(d.length >>> 8);
            out.write(d.length & 0xff);
            out.writeBytes(d);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static ByteBuf direct(byte[] bytes) {
        return direct(bytes, 0, bytes.length);
    }

    private static ByteBuf direct(byte[] bytes, int offset, int length) {
        return Unpooled.directBuffer(Math.max(length, 1)).writeBytes(bytes, offset, length);
    }
}
