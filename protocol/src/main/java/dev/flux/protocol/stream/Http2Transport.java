package dev.flux.protocol.stream;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameLogger;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The HTTP/2 layer of an agent-to-node connection.
 *
 * <p>Roles are reversed as in cloudflared: the agent dials the node (TLS client) and then serves HTTP/2 (HTTP/2
 * server); the node is the HTTP/2 client and opens a stream for each public connection. This keeps stream
 * creation standard HTTP/2 (client-opened) while the agent needs no listening port.
 *
 * <p>Netty's limits on RST_STREAM frames per time window are off on both sides. They defend a server against
 * clients that open and reset streams in a flood ("rapid reset"); here only the node opens streams, and both ends
 * reset streams at the rate visitors' connections close, including one reset for every DATA frame still in flight
 * to a stream that was just closed. With the limits on, a burst of closing connections (four parallel iperf3
 * streams ending) tore down the whole agent connection.
 *
 * <p>Windows are larger than HTTP/2's 64 KiB default so that one stream can fill a fast link: a stream moves at
 * most one window per round trip.
 */
public final class Http2Transport {

    /**
     * Per-stream receive window: what one stream may have in flight, and so what a stalled stream may leave
     * buffered at the receiver. 4 MiB carried about 1.4x the bytes of 1 MiB through one TCP tunnel on loopback
     * (iperf3, warmed up: 5.7 vs 3.9 Gbit/s); ssh uses 2 MiB channel windows, browsers 6 MiB stream windows.
     */
    public static final int STREAM_WINDOW = 4 * 1024 * 1024;
    /**
     * Connection-wide receive window: the largest HTTP/2 allows. Bytes a slow consumer leaves unread still count
     * against the connection window, so any smaller value lets a handful of stalled streams (window / stream
     * window of them) stop every other stream and the control stream. The per-stream window alone bounds what each
     * stream may buffer.
     */
    public static final int CONNECTION_WINDOW = Integer.MAX_VALUE;
    /** Largest DATA frame; TLS records are 16 KiB, larger frames only save per-frame work. */
    public static final int MAX_FRAME_SIZE = 64 * 1024;
    /** Streams one agent connection may carry at once. */
    public static final long MAX_CONCURRENT_STREAMS = 10_000;

    /** {@code -Dflux.h2.trace=true} logs every HTTP/2 frame, for debugging the transport. */
    private static final boolean TRACE = Boolean.getBoolean("flux.h2.trace");

    private Http2Transport() {
    }

    private static Http2FrameCodecBuilder traced(Http2FrameCodecBuilder b, String logger) {
        return TRACE ? b.frameLogger(new Http2FrameLogger(LogLevel.INFO, logger)) : b;
    }

    private static Http2Settings settings() {
        return Http2Settings.defaultSettings()
                .initialWindowSize(STREAM_WINDOW)
                .maxFrameSize(MAX_FRAME_SIZE)
                .maxConcurrentStreams(MAX_CONCURRENT_STREAMS);
    }

    /** Adds the node's side (HTTP/2 client) to a pipeline after TLS. The node accepts no streams from agents. */
    public static void addNodeSide(ChannelPipeline p, ChannelHandler inboundStreamRejector) {
        // only a client may send ENABLE_PUSH; the node never wants pushed streams
        Http2FrameCodec codec = traced(Http2FrameCodecBuilder.forClient(), "dev.flux.h2.node")
                .initialSettings(settings().pushEnabled(false))
                .autoAckPingFrame(true)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .encoderEnforceMaxRstFramesPerWindow(0, 0)
                .build();
        p.addLast("h2", codec);
        p.addLast("h2-mux", new Http2MultiplexHandler(inboundStreamRejector));
    }

    /** Adds the agent's side (HTTP/2 server) to a pipeline after TLS. */
    public static void addAgentSide(ChannelPipeline p, ChannelHandler streamInitializer) {
        Http2FrameCodec codec = traced(Http2FrameCodecBuilder.forServer(), "dev.flux.h2.agent")
                .initialSettings(settings())
                .autoAckPingFrame(true)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .encoderEnforceMaxRstFramesPerWindow(0, 0)
                .build();
        p.addLast("h2", codec);
        p.addLast("h2-mux", new Http2MultiplexHandler(streamInitializer));
    }

    /** Raises the connection window to {@link #CONNECTION_WINDOW}; call once the connection is active. */
    public static void raiseConnectionWindow(ChannelPipeline p) {
        Http2Connection connection = p.get(Http2FrameCodec.class).connection();
        int current = connection.local().flowController().windowSize(connection.connectionStream());
        int increment = CONNECTION_WINDOW - current;
        if (increment > 0) {
            p.channel().writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
        }
    }
}
