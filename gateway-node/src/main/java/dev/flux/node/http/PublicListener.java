package dev.flux.node.http;

import dev.flux.protocol.net.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.function.Consumer;

/**
 * The one way the vhost listeners (HTTP and HTTPS) bind: a deep backlog for bursts of visitors, no Nagle delay,
 * every accepted connection tracked in {@code openChannels} so that the node closes it on shutdown.
 */
final class PublicListener {

    private PublicListener() {
    }

    /** Binds {@code bindAddr:port} (0 picks a port); {@code pipeline} sets up each accepted connection. */
    static Channel bind(EventLoopGroup bossGroup, EventLoopGroup workerGroup, ChannelGroup openChannels,
                        String bindAddr, int port, Consumer<ChannelPipeline> pipeline) throws InterruptedException {
        return new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(Transports.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        openChannels.add(ch);
                        pipeline.accept(ch.pipeline());
                    }
                })
                .bind(bindAddr, port).sync().channel();
    }
}
