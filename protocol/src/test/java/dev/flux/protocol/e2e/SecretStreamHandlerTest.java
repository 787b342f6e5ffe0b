package dev.flux.protocol.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flux.protocol.stream.StreamEnded;
import dev.flux.protocol.stream.StreamFrameAdapter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two ends of a secret tunnel stream on embedded channels; "the wire" is what one end writes, fed to the other. */
class SecretStreamHandlerTest {

    private static final String TUNNEL = "ssh";

    private final Recorder visitorApp = new Recorder();
    private final Recorder ownerApp = new Recorder();
    private EmbeddedChannel visitor;
    private EmbeddedChannel owner;
    /** Every byte that crossed the wire, both directions: what a relaying node sees. */
    private final ByteArrayOutputStream wire = new ByteArrayOutputStream();

    private void connect(String visitorSecret, String ownerSecret) {
        visitor = new EmbeddedChannel(StreamFrameAdapter.INSTANCE,
                new SecretStreamHandler(E2eRole.VISITOR, visitorSecret, TUNNEL), visitorApp);
        owner = new EmbeddedChannel(StreamFrameAdapter.INSTANCE,
                new SecretStreamHandler(E2eRole.OWNER, ownerSecret, TUNNEL), ownerApp);
    }

    @AfterEach
    void releaseEverything() {
        for (EmbeddedChannel ch : new EmbeddedChannel[] {visitor, owner}) {
            if (ch != null) {
                ch.finishAndReleaseAll();
            }
        }
        visitorApp.release();
        ownerApp.release();
    }

    /** Moves every frame written by either end to the other until nothing moves. */
    private void pump() {
        boolean moved;
        do {
            moved = move(visitor, owner) | move(owner, visitor);
        } while (moved);
    }

    private boolean move(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object o; (o = from.readOutbound()) != null; ) {
            moved = true;
            Http2DataFrame frame = (Http2DataFrame) o;
            byte[] bytes = ByteBufUtil.getBytes(frame.content());
            wire.writeBytes(bytes);
            if (to.isActive()) {
                to.writeInbound(frame);
            } else {
                frame.release();
            }
        }
        return moved;
    }

    private void handshake() {
        connect("correct horse battery staple", "correct horse battery staple");
        pump();
        assertThat(visitorApp.events).contains(E2eHandshakeCompleted.INSTANCE);
        assertThat(ownerApp.events).contains(E2eHandshakeCompleted.INSTANCE);
    }

    @Test
    void bytesGoBothWaysEncryptedAndTheWireNeverCarriesThePlaintext() {
        handshake();

        visitor.writeAndFlush(text("MARKER-visitor-says-hello"));
        owner.writeAndFlush(text("MARKER-owner-answers"));
        pump();

        assertThat(ownerApp.text()).isEqualTo("MARKER-visitor-says-hello");
        assertThat(visitorApp.text()).isEqualTo("MARKER-owner-answers");
        assertThat(wire.toString(StandardCharsets.ISO_8859_1)).doesNotContain("MARKER");
    }

    @Test
    void wrongSecretFailsOnBothEndsBeforeAnyData() {
        connect("the right one", "a wrong one");

        pump();

        assertThat(ownerApp.errors).singleElement().isInstanceOf(WrongSecretException.class)
                .extracting(Throwable::getMessage).isEqualTo("wrong secret for tunnel ssh");
        assertThat(visitorApp.errors).singleElement().isInstanceOf(WrongSecretException.class)
                .extracting(Throwable::getMessage).isEqualTo("wrong secret for tunnel ssh");
        assertThat(ownerApp.events).doesNotContain(E2eHandshakeCompleted.INSTANCE);
        assertThat(visitorApp.events).doesNotContain(E2eHandshakeCompleted.INSTANCE);
        assertThat(owner.isActive()).isFalse();
        assertThat(visitor.isActive()).isFalse();
    }

    @Test
    void writingBeforeTheHandshakeFails() {
        connect("s", "s");
        ChannelFuture f = visitor.writeAndFlush(text("too early"));
        assertThat(f.cause()).isInstanceOf(IllegalStateException.class).hasMessageContaining("not open");
    }

    @Test
    void aTamperedRecordIsRefused() {
        handshake();
        visitor.writeAndFlush(text("pay 10 EUR"));
        Http2DataFrame frame = visitor.readOutbound();
        ByteBuf content = frame.content();
        int last = content.writerIndex() - 20;
        content.setByte(last, content.getByte(last) ^ 0x01);

        owner.writeInbound(frame);

        assertThat(ownerApp.errors).singleElement().isInstanceOf(E2eException.class)
                .extracting(Throwable::getMessage).asString().contains("failed authentication");
        assertThat(ownerApp.received).isEmpty();
        assertThat(owner.isActive()).isFalse();
    }

    @Test
    void aReplayedRecordIsRefused() {
        handshake();
        visitor.writeAndFlush(text("once"));
        Http2DataFrame frame = visitor.readOutbound();
        Http2DataFrame copy = frame.copy();

        owner.writeInbound(frame);
        owner.writeInbound(copy);

        assertThat(ownerApp.text()).isEqualTo("once");
        assertThat(ownerApp.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("record 1 failed authentication");
    }

    @Test
    void reorderedRecordsAreRefused() {
        handshake();
        visitor.writeAndFlush(text("first"));
        visitor.writeAndFlush(text("second"));
        Http2DataFrame first = visitor.readOutbound();
        Http2DataFrame second = visitor.readOutbound();

        owner.writeInbound(second);
        first.release();

        assertThat(ownerApp.received).isEmpty();
        assertThat(ownerApp.errors).singleElement().isInstanceOf(E2eException.class);
    }

    @Test
    void theEndRecordEndsTheStreamAfterTheData() {
        handshake();
        visitor.writeAndFlush(text("last words"));
        StreamFrameAdapter.endStream(visitor);
        pump();

        assertThat(ownerApp.text()).isEqualTo("last words");
        assertThat(ownerApp.events).endsWith(StreamEnded.INSTANCE);
        assertThat(ownerApp.errors).isEmpty();
        // half closed: the owner still answers
        owner.writeAndFlush(text("goodbye"));
        pump();
        assertThat(visitorApp.text()).isEqualTo("goodbye");
    }

    @Test
    void aStreamCutShortIsAnErrorNotAnEnd() {
        handshake();
        visitor.writeAndFlush(text("the first half of"));
        Http2DataFrame frame = visitor.readOutbound();
        ByteBuf content = frame.content();
        // the record arrives truncated, then the stream ends (an attacker cut the connection)
        owner.writeInbound(new DefaultHttp2DataFrame(content.retainedSlice(0, content.readableBytes() - 5), true));
        frame.release();

        assertThat(ownerApp.received).isEmpty();
        assertThat(ownerApp.events).doesNotContain(StreamEnded.INSTANCE);
        assertThat(ownerApp.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("cut short");
    }

    @Test
    void anOversizedRecordLengthIsAProtocolError() {
        handshake();
        owner.writeInbound(new DefaultHttp2DataFrame(Unpooled.buffer().writeShort(60_000).writeZero(10)));

        assertThat(ownerApp.errors).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("record length (60000) is outside the allowed range (17 to 16401)");
    }

    @Test
    void anErrorRecordCarriesItsReason() {
        handshake();

        owner.runPendingTasks();
        SecretStreamHandler.sendError(owner, "the local service at 127.0.0.1:22 refused the connection");
        pump();

        assertThat(visitorApp.errors).singleElement().extracting(Throwable::getMessage)
                .isEqualTo("the local service at 127.0.0.1:22 refused the connection");
    }

    @Test
    void largeTransfersArriveIntactWhenTheWireFragmentsThem() throws Exception {
        handshake();
        Random random = new Random(7);
        byte[] data = new byte[3 * 1024 * 1024 + 123];
        random.nextBytes(data);
        for (int i = 0; i < data.length; ) {
            int n = Math.min(data.length - i, 1 + random.nextInt(100_000));
            visitor.write(Unpooled.wrappedBuffer(data, i, n));
            i += n;
        }
        visitor.flush();
        // re-cut the ciphertext at random places
        ByteBuf all = Unpooled.buffer();
        for (Object o; (o = visitor.readOutbound()) != null; ) {
            Http2DataFrame f = (Http2DataFrame) o;
            all.writeBytes(f.content());
            f.release();
        }
        while (all.isReadable()) {
            int n = Math.min(all.readableBytes(), 1 + random.nextInt(5_000));
            owner.writeInbound(new DefaultHttp2DataFrame(all.readRetainedSlice(n)));
        }
        all.release();

        assertThat(ownerApp.errors).isEmpty();
        assertThat(MessageDigest.getInstance("SHA-256").digest(ownerApp.bytes()))
                .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void writesAreSealedAtTheFlushIntoFullRecordsInOneFrame() {
        handshake();
        byte[] data = new byte[30_000];
        new Random(3).nextBytes(data);
        List<io.netty.channel.ChannelFuture> writes = new ArrayList<>();
        for (int i = 0; i < data.length; i += 10_000) {
            writes.add(visitor.write(Unpooled.wrappedBuffer(data, i, 10_000)));
        }
        assertThat((Object) visitor.readOutbound()).as("nothing is sealed before the flush").isNull();

        visitor.flush();

        Http2DataFrame frame = visitor.readOutbound();
        assertThat((Object) visitor.readOutbound()).as("one DATA write per flush").isNull();
        // one full record and the rest, not three records of 10,000 bytes
        assertThat(frame.content().readableBytes()).isEqualTo(RecordCipher.sealedLength(data.length));
        assertThat(frame.content().getUnsignedShort(0)).isEqualTo(1 + RecordCipher.MAX_PAYLOAD + 16);
        owner.writeInbound(frame);
        assertThat(ownerApp.bytes()).isEqualTo(data);
        assertThat(writes).allSatisfy(f -> assertThat(f.isSuccess()).isTrue());
    }

    @Test
    void unflushedWritesFailAndAreReleasedWhenTheStreamCloses() {
        handshake();
        ByteBuf data = text("never flushed");
        io.netty.channel.ChannelFuture write = visitor.write(data);

        visitor.close();

        assertThat(write.isDone()).isTrue();
        assertThat(write.isSuccess()).isFalse();
        assertThat(data.refCnt()).isZero();
    }

    @Test
    void theHandshakeTimesOutWhenThePeerIsSilent() throws Exception {
        connect("s", "s");
        ((Http2DataFrame) visitor.readOutbound()).release(); // the hello never reaches the owner
        // EmbeddedChannel runs scheduled tasks when asked; advance its clock past the timeout
        visitor.advanceTimeBy(SecretStreamHandler.HANDSHAKE_TIMEOUT_SECONDS + 1, java.util.concurrent.TimeUnit.SECONDS);
        visitor.runScheduledPendingTasks();

        assertThat(visitorApp.errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("did not finish within 10 s");
        assertThat(visitor.isActive()).isFalse();
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }

    /** Collects what reaches the application above the handler. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<ByteBuf> received = new ArrayList<>();
        final List<Object> events = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            received.add((ByteBuf) msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.add(cause);
        }

        byte[] bytes() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (ByteBuf b : received) {
                out.writeBytes(ByteBufUtil.getBytes(b));
            }
            return out.toByteArray();
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        void release() {
            received.forEach(ByteBuf::release);
            received.clear();
        }
    }
}
