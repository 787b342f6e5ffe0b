package dev.flux.client;

import dev.flux.client.config.TunnelConfig;
import dev.flux.protocol.e2e.E2eException;
import dev.flux.protocol.e2e.E2eHandshakeCompleted;
import dev.flux.protocol.e2e.WrongSecretException;
import dev.flux.protocol.stream.DatagramFrameDecoder;
import dev.flux.protocol.stream.DatagramFrameEncoder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's side of a visit to a secret tunnel, behind the stream's {@code SecretStreamHandler}: once the visitor
 * proved it holds the secret, dials the local service like a tcp or udp tunnel does; it stays in the pipeline to
 * end the stream quietly on an encryption failure (wrong secret, tampering, a cut).
 */
final class SecretOwnerStream extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(SecretOwnerStream.class);

    private final TunnelHandle tunnel;
    private final String client;
    private final ChannelGroup openChannels;

    SecretOwnerStream(TunnelHandle tunnel, String client, ChannelGroup openChannels) {
        this.tunnel = tunnel;
        this.client = client;
        this.openChannels = openChannels;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof E2eHandshakeCompleted) {
            ChannelPipeline p = ctx.pipeline();
            if (TunnelConfig.SUDP.equals(tunnel.config.type())) {
                p.addAfter(ctx.name(), "datagram-decoder", new DatagramFrameDecoder());
                p.addAfter("datagram-decoder", "datagram-encoder", DatagramFrameEncoder.INSTANCE);
                p.addAfter("datagram-encoder", "local", new UdpStreamHandler(tunnel, client, openChannels, true));
            } else {
                p.addAfter(ctx.name(), "local", new LocalStreamHandler(tunnel, openChannels, null, null, true));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.fireChannelRead(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof WrongSecretException) {
            // the handler tells the visitor and ends the stream; closing it here would lose that answer
            log.warn("[{}] visit from {} refused: the visitor holds the wrong secret", tunnel.config.name(), client);
            return;
        } else if (cause instanceof E2eException || cause instanceof IOException) {
            log.info("[{}] visit from {} ended: {}", tunnel.config.name(), client, cause.getMessage());
        } else {
            log.warn("[{}] visit from {} failed", tunnel.config.name(), client, cause);
        }
        ctx.close();
    }
}
