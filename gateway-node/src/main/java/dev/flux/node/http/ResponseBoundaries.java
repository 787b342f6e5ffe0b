package dev.flux.node.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Watches the raw HTTP/1.1 response bytes a stream carries back from the agent, without changing them, to tell when
 * every response to the requests sent on it has ended: a keep-alive connection of a load-balancing group may then
 * send its next request to another member. The bytes pass on untouched (unbuffered, so streaming responses stay
 * streaming); a copy of the framing is parsed by Netty's decoder on the side. Runs on the stream's event loop.
 */
final class ResponseBoundaries extends ChannelInboundHandlerAdapter {

    /** Methods of the requests whose final response has not ended yet, oldest first (HEAD answers carry no body). */
    private final ArrayDeque<HttpMethod> awaiting = new ArrayDeque<>(2);
    private final EmbeddedChannel parser = new EmbeddedChannel(new Decoder(), new Ends());
    private Runnable onIdle;
    private boolean finalResponse;
    private boolean unreadable;

    /** A request went out on the stream; its response is now awaited. */
    void requestSent(HttpMethod method) {
        awaiting.add(method);
    }

    /**
     * False once the responses could not be parsed: their ends are unknown, so the connection stays with its member
     * (the bytes pass on all the same).
     */
    boolean readable() {
        return !unreadable;
    }

    /** Whether every request sent has had its whole response. */
    boolean idle() {
        return awaiting.isEmpty();
    }

    /** Runs {@code action} once, on this loop after the current read, when {@link #idle()} (at once if it is). */
    void whenIdle(ChannelHandlerContext ctx, Runnable action) {
        if (idle()) {
            ctx.executor().execute(action);
        } else {
            onIdle = action;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && !awaiting.isEmpty()) {
            parser.writeInbound(bytes.retainedDuplicate());
        }
        ctx.fireChannelRead(msg);
        if (onIdle != null && awaiting.isEmpty()) {
            Runnable action = onIdle;
            onIdle = null;
            // after this read has reached the public connection (the relay flushes at read complete)
            ctx.executor().execute(action);
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        parser.finishAndReleaseAll();
    }

    /** HTTP/1.1 response framing, with the request method known: an answer to HEAD has no body. */
    private final class Decoder extends HttpResponseDecoder {
        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            return HttpMethod.HEAD.equals(awaiting.peek()) || super.isContentAlwaysEmpty(msg);
        }
    }

    /** Counts the ends of final (non-1xx) responses. */
    private final class Ends extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                    unreadable = true;
                    awaiting.clear();
                    return;
                }
                if (msg instanceof HttpResponse r) {
                    int code = r.status().code();
                    finalResponse = code >= 200 || code == 101;
                }
                if (msg instanceof LastHttpContent && finalResponse) {
                    finalResponse = false;
                    awaiting.poll();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
