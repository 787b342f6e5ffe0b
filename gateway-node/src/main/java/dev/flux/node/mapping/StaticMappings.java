package dev.flux.node.mapping;

import dev.flux.node.config.NodeConfig.StaticMapping;
import dev.flux.node.config.NodeConfig.TargetHealthCheck;
import dev.flux.protocol.net.Transports;
import dev.flux.protocol.stream.Relay;
import dev.flux.protocol.stream.TrafficCounter;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's static mappings ({@code [[staticMappings]]}): ports the node listens on itself and forwards, each
 * connection to one target chosen among those that are up, with no agent involved. Relaying is the tunnels' own
 * ({@link Relay}): both channels on one event loop, reads paused while the other side cannot take more.
 */
public final class StaticMappings implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StaticMappings.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final List<Mapping> mappings = new ArrayList<>();
    private final String bindAddr;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final ChannelGroup openChannels;

    public StaticMappings(List<StaticMapping> config, String bindAddr, EventLoopGroup bossGroup,
                          EventLoopGroup workerGroup, ChannelGroup openChannels) {
        this.bindAddr = bindAddr;
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.openChannels = openChannels;
        for (StaticMapping m : config) {
            mappings.add(new Mapping(m));
        }
    }

    /** Binds every mapping's port and starts the health checks. */
    public void start() throws InterruptedException {
        for (Mapping m : mappings) {
            m.start();
        }
    }

    /** The port a mapping listens on (its bindPort), by name, for tests; -1 if unknown. */
    public int port(String name) {
        return mappings.stream().filter(m -> m.config.name().equals(name)).findFirst()
                .map(m -> ((InetSocketAddress) m.listener.localAddress()).getPort()).orElse(-1);
    }

    @Override
    public void close() {
        for (Mapping m : mappings) {
            m.close();
        }
    }

    private final class Mapping {
        final StaticMapping config;
        final List<MappingTarget> targets = new ArrayList<>();
        final TargetPicker picker;
        final TrafficCounter counter = new TrafficCounter();
        Channel listener;
        ScheduledFuture<?> checks;

        Mapping(StaticMapping config) {
            this.config = config;
            int threshold = config.healthCheck() == null ? 1 : config.healthCheck().failureThreshold();
            for (String t : config.targets()) {
                targets.add(MappingTarget.parse(t, threshold));
            }
            this.picker = new TargetPicker(targets, StaticMapping.LEAST_CONNECTIONS.equals(config.strategy()));
        }

        void start() throws InterruptedException {
            listener = new ServerBootstrap()
                    .group(bossGroup, workerGroup)
                    .channel(Transports.serverChannel())
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .childOption(ChannelOption.AUTO_READ, false)
                    .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            openChannels.add(ch);
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelActive(ChannelHandlerContext ctx) {
                                    ctx.pipeline().remove(this);
                                    accept(ctx.channel());
                                }
                            });
                        }
                    })
                    .bind(bindAddr, config.bindPort()).sync().channel();
            log.info("[{}] static mapping listening on {}:{} -> {} ({})", config.name(), bindAddr,
                    ((InetSocketAddress) listener.localAddress()).getPort(), config.targets(), config.strategy());
            TargetHealthCheck h = config.healthCheck();
            if (h != null) {
                long interval = h.interval().toMillis();
                checks = listener.eventLoop().scheduleAtFixedRate(this::checkTargets, 0, interval,
                        TimeUnit.MILLISECONDS);
            }
        }

        void accept(Channel visitor) {
            MappingTarget target = picker.next();
            if (target == null) {
                log.info("[{}] refusing connection from {}: every target is down", config.name(),
                        visitor.remoteAddress());
                visitor.close();
                return;
            }
            target.connectionOpened();
            counter.connectionOpened();
            visitor.closeFuture().addListener(f -> {
                target.connectionClosed();
                counter.connectionClosed();
            });
            ChannelFuture connect = new Bootstrap()
                    .group(visitor.eventLoop())
                    .channel(Transports.socketChannel())
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                    .handler(new ChannelInboundHandlerAdapter())
                    .connect(target.host(), target.port());
            connect.addListener(f -> {
                if (!f.isSuccess()) {
                    log.info("[{}] cannot connect to target {}: {}", config.name(), target, f.cause().getMessage());
                    visitor.close();
                    return;
                }
                Channel out = connect.channel();
                openChannels.add(out);
                if (!visitor.isActive()) {
                    out.close();
                    return;
                }
                visitor.closeFuture().addListener(c -> Relay.closeOnFlush(out));
                Relay.bridge(visitor, out, counter);
            });
        }

        void checkTargets() {
            long timeout = config.healthCheck().timeout().toMillis();
            for (MappingTarget t : targets) {
                new Bootstrap()
                        .group(listener.eventLoop())
                        .channel(Transports.socketChannel())
                        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeout)
                        .handler(new ChannelInboundHandlerAdapter())
                        .connect(t.host(), t.port())
                        .addListener((ChannelFuture f) -> {
                            if (f.isSuccess()) {
                                f.channel().close();
                            }
                            if (t.checked(f.isSuccess())) {
                                if (t.up()) {
                                    log.info("[{}] target {} is up again", config.name(), t);
                                } else {
                                    log.warn("[{}] target {} is down ({} failed checks in a row: {}); skipping it",
                                            config.name(), t, config.healthCheck().failureThreshold(),
                                            f.cause() == null ? "?" : f.cause().getMessage());
                                }
                            }
                        });
            }
        }

        void close() {
            if (checks != null) {
                checks.cancel(false);
            }
            if (listener != null) {
                listener.close().syncUninterruptibly();
            }
        }
    }
}
