package io.jswoole.server.reactor;

import io.jswoole.server.SockType;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** The I/O backend: Netty's native epoll where available, NIO otherwise. */
public final class Transport {
    public static final boolean EPOLL = Epoll.isAvailable() && !Boolean.getBoolean("jswoole.nio");

    private Transport() {
    }

    public static String name() {
        return EPOLL ? "epoll" : "nio";
    }

    public static EventLoopGroup group(int threads, String prefix) {
        IoHandlerFactory f = EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(prefix, true), f);
    }

    public static Class<? extends ServerChannel> serverChannel(SockType type) {
        if (type == SockType.UNIX_STREAM) {
            return EPOLL ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
        }
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    static Class<? extends Channel> datagramChannel(SockType type) {
        if (type == SockType.UNIX_DGRAM) {
            if (!EPOLL) {
                throw new IllegalStateException("UNIX_DGRAM ports need the epoll transport (Linux)");
            }
            return EpollDomainDatagramChannel.class;
        }
        return EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
