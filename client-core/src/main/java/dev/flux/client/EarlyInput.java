package dev.flux.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Keeps what a visitor's local connection delivers before its stream is ready. Auto-read is off until then, but
 * the epoll transport still reads a connection whose peer sent its last bytes and its FIN at once (to see the
 * FIN), and with nothing in the pipeline those bytes would be lost. {@link #replay} hands them, and the end of
 * input, to the handlers added since.
 */
final class EarlyInput extends ChannelInboundHandlerAdapter {

    private final ArrayDeque<Object> held = new ArrayDeque<>(2);
    private boolean inputEnded;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // nothing to pass on yet
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    private void release() {
        for (Object m; (m = held.poll()) != null; ) {
            ReferenceCountUtil.release(m);
        }
    }

    /** Passes on what was held to the handlers after this one and takes this handler out; on the channel's loop. */
    static void replay(Channel local) {
        ChannelHandlerContext ctx = local.pipeline().context(EarlyInput.class);
        if (ctx == null) {
            return;
        }
        EarlyInput self = (EarlyInput) ctx.handler();
        boolean any = !self.held.isEmpty();
        for (Object m; (m = self.held.poll()) != null; ) {
            ctx.fireChannelRead(m);
        }
        if (any) {
            ctx.fireChannelReadComplete();
        }
        if (self.inputEnded) {
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
        local.pipeline().remove(self);
    }
}
