package dev.flux.node.http;

import dev.flux.node.tunnel.HttpTunnel;
import dev.flux.protocol.stream.StreamHeaders;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the agent's answer on a new stream; anything but 200 becomes a 502 page on the public connection. */
final class AgentAnswer extends ChannelInboundHandlerAdapter {

    /** Logged as the vhost, whose requests these are. */
    private static final Logger log = LoggerFactory.getLogger(VhostHandler.class);
    private final Channel publicChannel;
    private final HttpTunnel tunnel;

    AgentAnswer(Channel publicChannel, HttpTunnel tunnel) {
        this.publicChannel = publicChannel;
        this.tunnel = tunnel;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2HeadersFrame h)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ctx.pipeline().remove(this);
        if (!"200".contentEquals(h.headers().status())) {
            String error = StreamHeaders.get(h.headers(), StreamHeaders.ERROR);
            log.info("[{}] local service failed: {}", tunnel.name(), error);
            badGateway(ctx, "The tunnel '" + tunnel.name() + "' is online, but its agent could not reach the "
                    + "local service: " + (error == null ? "unknown error" : error) + ".");
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ctx.pipeline().remove(this);
        badGateway(ctx, "The agent serving tunnel '" + tunnel.name() + "' went away before answering. "
                + "Try again in a moment.");
        ctx.fireChannelInactive();
    }

    private void badGateway(ChannelHandlerContext ctx, String detail) {
        ByteBuf page = ErrorPages.page(publicChannel.alloc(), HttpResponseStatus.BAD_GATEWAY,
                "Local service unavailable", detail);
        publicChannel.writeAndFlush(page).addListener(f -> publicChannel.close());
        ctx.close();
    }
}
