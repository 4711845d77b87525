package io.jswoole.server;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Binds ports on the event loops: stream ports get a {@link StreamHandler} per connection, datagram ports one
 * {@link DatagramHandler}. With {@code enable_reuse_port} in BASE mode every worker loop binds its own socket
 * (SO_REUSEPORT) and keeps the connections it accepts, so each worker accepts its own connections, as in Swoole.
 */
final class Reactor {
    private Reactor() {
    }

    static void bind(Server server, Port port, EventLoopGroup group, boolean reusePortPerLoop,
            List<Channel> listeners, Map<Integer, List<Channel>> datagrams) {
        int defer = port.setting("tcp_defer_accept", 0);
        boolean reuse = server.boolSetting("enable_reuse_port", false);
        if ((defer > 0 || reuse) && !Transport.EPOLL) {
            throw new IllegalStateException((defer > 0 ? "tcp_defer_accept" : "enable_reuse_port")
                    + " needs the epoll transport (Linux)");
        }
        List<EventLoopGroup> targets = new ArrayList<>();
        if (reusePortPerLoop && !port.type.isUnix()) {
            for (var e : group) {
                targets.add((EventLoop) e);
            }
        } else {
            targets.add(group);
        }
        if (port.type.isUnix()) {
            unlinkSocket(port.host);
        }
        List<Channel> mine = new ArrayList<>();
        for (EventLoopGroup g : targets) {
            SocketAddress addr = address(port);
            ChannelFuture f = port.type.isStream() ? streamBootstrap(server, port, g, group, reusePortPerLoop,
                    reuse, defer).bind(addr) : datagramBootstrap(server, port, g, reuse).bind(addr);
            f.awaitUninterruptibly();
            if (!f.isSuccess()) {
                for (Channel ch : mine) {
                    ch.close();
                }
                throw new SwooleException(ErrorCode.SERVER_INVALID_LISTEN_PORT, "cannot bind " + port.type + " "
                        + port.host + (port.type.isUnix() ? "" : ":" + port.port) + ": " + f.cause().getMessage(),
                        f.cause());
            }
            Channel ch = f.channel();
            mine.add(ch);
            if (ch.localAddress() instanceof InetSocketAddress a) {
                port.port = a.getPort(); // port 0: later binds (reuse_port) take the same port
            }
        }
        if (port.type.isStream()) {
            listeners.addAll(mine);
        } else {
            listeners.addAll(mine);
            datagrams.put(port.index, mine);
        }
    }

    private static ServerBootstrap streamBootstrap(Server server, Port port, EventLoopGroup acceptor,
            EventLoopGroup all, boolean perLoop, boolean reuse, int defer) {
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, perLoop ? acceptor : all)
                .channel(Transport.serverChannel(port.type))
                .option(ChannelOption.SO_BACKLOG, port.setting("backlog", 512))
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (port.protocol != null) {
                            port.protocol.initChannel(ch, port);
                        } else if (port.frame.isFramed()) {
                            ch.pipeline().addLast("frame", port.frame.newDecoder());
                        }
                        ch.pipeline().addLast(new StreamHandler(server, port));
                    }
                });
        if (!port.type.isUnix()) {
            b.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, port.setting("open_tcp_nodelay", true));
            if (reuse) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            if (defer > 0) {
                b.option(EpollChannelOption.TCP_DEFER_ACCEPT, defer);
            }
        }
        return b;
    }

    private static Bootstrap datagramBootstrap(Server server, Port port, EventLoopGroup g, boolean reuse) {
        Bootstrap b = new Bootstrap().group(g).channel(Transport.datagramChannel(port.type))
                .handler(new DatagramHandler(server, port));
        if (reuse && !port.type.isUnix()) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        return b;
    }

    private static SocketAddress address(Port port) {
        if (port.type.isUnix()) {
            return Transport.EPOLL ? new DomainSocketAddress(port.host) : UnixDomainSocketAddress.of(port.host);
        }
        return new InetSocketAddress(port.host, port.port);
    }

    /** A datagram for {@code ip:port} (or the Unix path {@code ip}). */
    static Object datagram(SockType type, ByteBuf content, String ip, int port) {
        if (type == SockType.UNIX_DGRAM) {
            return new DomainDatagramPacket(content, new DomainSocketAddress(ip));
        }
        return new DatagramPacket(content, new InetSocketAddress(ip, port));
    }

    /** Removes a stale Unix socket file (never a regular file). */
    static void unlinkSocket(String path) {
        Path p = Path.of(path);
        try {
            if (Files.exists(p) && !Files.isRegularFile(p) && !Files.isDirectory(p)) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new SwooleException(ErrorCode.SERVER_INVALID_LISTEN_PORT, "cannot remove stale socket " + path
                    + ": " + e.getMessage(), e);
        }
    }
}
