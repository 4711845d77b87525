package io.jswoole.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** Netty's native epoll transport where it loads (Linux), else NIO; Unix sockets need epoll. */
final class Transports {
    static final boolean EPOLL = Epoll.isAvailable();

    private Transports() {
    }

    static EventLoopGroup group(int threads) {
        IoHandlerFactory f = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new io.netty.util.concurrent.DefaultThreadFactory(
                "bench-loop", true), f);
    }

    /** A bootstrap for the target (no group or handler yet). */
    static Bootstrap bootstrap(Target target, boolean datagram, int connectTimeoutMillis) {
        Class<? extends Channel> type;
        if (target.isUnix()) {
            if (!EPOLL) {
                throw new IllegalArgumentException("unix sockets need Netty's epoll transport (Linux), which did "
                        + "not load here: " + Epoll.unavailabilityCause());
            }
            type = EpollDomainSocketChannel.class;
        } else if (datagram) {
            type = EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
        } else {
            type = EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
        }
        Bootstrap b = new Bootstrap().channel(type).resolver(io.netty.resolver.NoopAddressResolverGroup.INSTANCE)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.ALLOCATOR, io.netty.buffer.PooledByteBufAllocator.DEFAULT);
        if (!target.isUnix() && !datagram) {
            b.option(ChannelOption.TCP_NODELAY, true);
        }
        return b;
    }
}
