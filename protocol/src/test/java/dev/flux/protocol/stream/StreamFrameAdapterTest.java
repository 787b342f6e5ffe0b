package dev.flux.protocol.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamFrameAdapterTest {

    private final Recorder recorder = new Recorder();
    private final EmbeddedChannel ch = new EmbeddedChannel(StreamFrameAdapter.INSTANCE, recorder);

    @Test
    void dataBecomesItsContent() {
        ByteBuf content = bytes("hello");

        ch.writeInbound(new DefaultHttp2DataFrame(content));

        ByteBuf read = ch.readInbound();
        assertThat(read).isSameAs(content);
        assertThat(read.toString(StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(read.refCnt()).as("handed on, not released").isEqualTo(1);
        assertThat(recorder.events).singleElement().isSameAs(content);
        read.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void dataWithEndStreamBecomesItsContentThenStreamEnded() {
        ByteBuf content = bytes("last");

        ch.writeInbound(new DefaultHttp2DataFrame(content, true));

        assertThat(recorder.events).hasSize(2);
        assertThat(recorder.events.get(0)).isSameAs(content);
        assertThat(recorder.events.get(1)).isSameAs(StreamEnded.INSTANCE);
        ByteBuf read = ch.readInbound();
        read.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void emptyDataIsReleasedAndNotHandedOn() {
        ByteBuf empty = Unpooled.directBuffer(8);

        ch.writeInbound(new DefaultHttp2DataFrame(empty));

        assertThat(empty.refCnt()).isZero();
        assertThat(recorder.events).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void emptyDataWithEndStreamIsReleasedAndBecomesStreamEnded() {
        ByteBuf empty = Unpooled.directBuffer(8);

        ch.writeInbound(new DefaultHttp2DataFrame(empty, true));

        assertThat(empty.refCnt()).isZero();
        assertThat(recorder.events).containsExactly(StreamEnded.INSTANCE);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void headersPassThroughAndEndStreamOnThemIsStreamEnded() {
        DefaultHttp2HeadersFrame open = new DefaultHttp2HeadersFrame(StreamHeaders.open("tcp", "ssh", "198.51.100.4:50123"));
        DefaultHttp2HeadersFrame failed = new DefaultHttp2HeadersFrame(StreamHeaders.failed("connection refused"), true);

        ch.writeInbound(open, failed);

        assertThat(recorder.events).containsExactly(open, failed, StreamEnded.INSTANCE);
        assertThat((Http2HeadersFrame) ch.readInbound()).isSameAs(open);
        assertThat((Http2HeadersFrame) ch.readInbound()).isSameAs(failed);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void otherFramesPassThrough() {
        DefaultHttp2ResetFrame reset = new DefaultHttp2ResetFrame(Http2Error.CANCEL);

        ch.writeInbound(reset);

        assertThat((Object) ch.readInbound()).isSameAs(reset);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void writtenBuffersBecomeDataFrames() {
        ByteBuf a = bytes("GET / HTTP/1.1\r\n");
        ByteBuf b = bytes("\r\n");

        ch.writeOutbound(a, b);

        Http2DataFrame first = ch.readOutbound();
        Http2DataFrame second = ch.readOutbound();
        assertThat(first.content()).isSameAs(a);
        assertThat(first.isEndStream()).isFalse();
        assertThat(first.padding()).isZero();
        assertThat(second.content()).isSameAs(b);
        first.release();
        second.release();
        assertThat(a.refCnt() + b.refCnt()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void otherWritesPassThrough() {
        DefaultHttp2HeadersFrame accepted = new DefaultHttp2HeadersFrame(StreamHeaders.accepted());

        ch.writeOutbound(accepted);

        assertThat((Object) ch.readOutbound()).isSameAs(accepted);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void endStreamWritesAnEmptyDataFrameWithEndStreamAfterEarlierWrites() {
        ch.write(bytes("tail"));

        ChannelFuture f = StreamFrameAdapter.endStream(ch);

        assertThat(f.isSuccess()).isTrue();
        Http2DataFrame data = ch.readOutbound();
        assertThat(data.content().toString(StandardCharsets.UTF_8)).isEqualTo("tail");
        data.release();
        Http2DataFrame end = ch.readOutbound();
        assertThat(end.isEndStream()).isTrue();
        assertThat(end.content().isReadable()).isFalse();
        end.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theAdapterIsSharable() {
        EmbeddedChannel other = new EmbeddedChannel(StreamFrameAdapter.INSTANCE);
        ByteBuf content = bytes("x");

        other.writeInbound(new DefaultHttp2DataFrame(content));

        ByteBuf read = other.readInbound();
        assertThat(read).isSameAs(content);
        read.release();
        assertThat(other.finish()).isFalse();
        assertThat(ch.finish()).isFalse();
    }

    private static ByteBuf bytes(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return Unpooled.directBuffer(b.length).writeBytes(b);
    }

    /** Records reads and user events in the order they arrive, and passes them on. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            events.add(msg);
            ctx.fireChannelRead(msg);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
            ctx.fireUserEventTriggered(evt);
        }
    }
}
