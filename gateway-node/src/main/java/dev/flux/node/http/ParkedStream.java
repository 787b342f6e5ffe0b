package dev.flux.node.http;

import dev.flux.protocol.stream.StreamEnded;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The end of a parked stream's pipeline: nothing is expected while no request is on it, and when its agent ends
 * it (the local service closed its connection) it is closed, and a new one is opened if the connection comes back.
 */
@Sharable
final class ParkedStream extends ChannelInboundHandlerAdapter {
    static final ParkedStream INSTANCE = new ParkedStream();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof StreamEnded) {
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
