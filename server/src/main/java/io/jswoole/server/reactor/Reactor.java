package io.jswoole.server.reactor;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import io.jswoole.server.config.PortConfig;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.tls.Tls;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioChannelOption;
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
import jdk.net.ExtendedSocketOptions;

/**
 * Binds ports on the event loops: stream ports get a {@link StreamHandler} per connection, datagram ports one
 * {@link DatagramHandler}. With {@code enable_reuse_port} in BASE mode every worker loop binds its own socket
 * (SO_REUSEPORT) and keeps the connections it accepts, so each worker accepts its own connections, as in Swoole.
 */
public final class Reactor {
    private Reactor() {
    }

    public static void bind(Server server, Port port, EventLoopGroup group, boolean reusePortPerLoop,
            List<Channel> listeners, Map<Integer, List<Channel>> datagrams) {
        int defer = port.setting("tcp_defer_accept", 0);
        boolean reuse = ServerAccess.config(server).enableReusePort();
        if ((defer > 0 || reuse) && !Transport.EPOLL) {
            throw new IllegalStateException((defer > 0 ? "tcp_defer_accept" : "enable_reuse_port")
                    + " needs the epoll transport (Linux)");
        }
        List<EventLoopGroup> targets = new ArrayList<>();
        if (reusePortPerLoop && !port.type().isUnix()) {
            for (var e : group) {
                targets.add((EventLoop) e);
            }
        } else {
            targets.add(group);
        }
        if (port.type().isUnix()) {
            unlinkSocket(port.host());
        }
        List<Channel> mine = new ArrayList<>();
        for (EventLoopGroup g : targets) {
            SocketAddress addr = address(port);
            ChannelFuture f = port.type().isStream() ? streamBootstrap(server, port, g, group, reusePortPerLoop,
                    reuse, defer).bind(addr) : datagramBootstrap(server, port, g, reuse).bind(addr);
            f.awaitUninterruptibly();
            if (!f.isSuccess()) {
                for (Channel ch : mine) {
                    ch.close();
                }
                throw new SwooleException(ErrorCode.SERVER_INVALID_LISTEN_PORT, "cannot bind " + port.type() + " "
                        + port.host() + (port.type().isUnix() ? "" : ":" + port.port()) + ": " + f.cause().getMessage(),
                        f.cause());
            }
            Channel ch = f.channel();
            mine.add(ch);
            if (ch.localAddress() instanceof InetSocketAddress a) {
                ServerAccess.bound(port, a.getPort()); // port 0: later binds (reuse_port) take the same port
            }
        }
        if (port.type().isStream()) {
            listeners.addAll(mine);
        } else {
            listeners.addAll(mine);
            datagrams.put(port.index(), mine);
        }
    }

    private static ServerBootstrap streamBootstrap(Server server, Port port, EventLoopGroup acceptor,
            EventLoopGroup all, boolean perLoop, boolean reuse, int defer) {
        Tls tls = ServerAccess.tls(port);
        PortConfig cfg = ServerAccess.config(port);
        Intake intake = ServerAccess.runtime(server).intake();
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptor, perLoop ? acceptor : all)
                .channel(Transport.serverChannel(port.type()))
                .option(ChannelOption.SO_BACKLOG, port.setting("backlog", 512))
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            tls.initChannel(ch);
                        }
                        if (port.protocol() != null) {
                            port.protocol().initChannel(ch, port);
                        } else if (cfg.frame().isFramed()) {
                            ch.pipeline().addLast("frame", cfg.frame().newDecoder());
                        }
                        ch.pipeline().addLast(new StreamHandler(intake, port));
                    }
                });
        b.childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                // Netty turns writable again when pending < low: low + 1 means "drained to buffer_low_watermark"
                new WriteBufferWaterMark(cfg.lowWatermark() + 1, cfg.lowWatermark() + 2));
        if (ServerAccess.config(server).enableDelayReceive()) {
            b.childOption(ChannelOption.AUTO_READ, false);
        }
        Long rcv = port.setting("kernel_socket_recv_buffer_size", null);
        Long snd = port.setting("kernel_socket_send_buffer_size", null);
        if (rcv != null) {
            b.childOption(ChannelOption.SO_RCVBUF, rcv.intValue());
        }
        if (snd != null) {
            b.childOption(ChannelOption.SO_SNDBUF, snd.intValue());
        }
        if (!port.type().isUnix()) {
            b.option(ChannelOption.SO_REUSEADDR, true)
                    .childOption(ChannelOption.TCP_NODELAY, port.setting("open_tcp_nodelay", true));
            tcpOptions(b, port);
            if (reuse) {
                b.option(EpollChannelOption.SO_REUSEPORT, true);
            }
            if (defer > 0) {
                b.option(EpollChannelOption.TCP_DEFER_ACCEPT, defer);
            }
        }
        return b;
    }

    /** open_tcp_keepalive with tcp_keepidle / tcp_keepinterval / tcp_keepcount, and tcp_user_timeout. */
    private static void tcpOptions(ServerBootstrap b, Port port) {
        if (port.setting("open_tcp_keepalive", false)) {
            b.childOption(ChannelOption.SO_KEEPALIVE, true);
            Integer idle = port.setting("tcp_keepidle", null);
            Integer intvl = port.setting("tcp_keepinterval", null);
            Integer cnt = port.setting("tcp_keepcount", null);
            if (Transport.EPOLL) {
                if (idle != null) {
                    b.childOption(EpollChannelOption.TCP_KEEPIDLE, idle);
                }
                if (intvl != null) {
                    b.childOption(EpollChannelOption.TCP_KEEPINTVL, intvl);
                }
                if (cnt != null) {
                    b.childOption(EpollChannelOption.TCP_KEEPCNT, cnt);
                }
            } else {
                if (idle != null) {
                    b.childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idle);
                }
                if (intvl != null) {
                    b.childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), intvl);
                }
                if (cnt != null) {
                    b.childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), cnt);
                }
            }
        } else {
            for (String k : new String[] {"tcp_keepidle", "tcp_keepinterval", "tcp_keepcount"}) {
                if (port.setting().containsKey(k)) {
                    throw new IllegalArgumentException("setting '" + k + "' needs open_tcp_keepalive=true");
                }
            }
        }
        Integer userTimeout = port.setting("tcp_user_timeout", null);
        if (userTimeout != null) {
            if (!Transport.EPOLL) {
                throw new IllegalStateException("tcp_user_timeout needs the epoll transport (Linux)");
            }
            b.childOption(EpollChannelOption.TCP_USER_TIMEOUT, userTimeout);
        }
    }

    private static Bootstrap datagramBootstrap(Server server, Port port, EventLoopGroup g, boolean reuse) {
        Bootstrap b = new Bootstrap().group(g).channel(Transport.datagramChannel(port.type()))
                .handler(new DatagramHandler(ServerAccess.runtime(server).intake(), port));
        if (reuse && !port.type().isUnix()) {
            b.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        return b;
    }

    private static SocketAddress address(Port port) {
        if (port.type().isUnix()) {
            return Transport.EPOLL ? new DomainSocketAddress(port.host()) : UnixDomainSocketAddress.of(port.host());
        }
        return new InetSocketAddress(port.host(), port.port());
    }

    /** A datagram for {@code ip:port} (or the Unix path {@code ip}). */
    static Object datagram(SockType type, ByteBuf content, String ip, int port) {
        if (type == SockType.UNIX_DGRAM) {
            return new DomainDatagramPacket(content, new DomainSocketAddress(ip));
        }
        return new DatagramPacket(content, new InetSocketAddress(ip, port));
    }

    /** Removes a stale Unix socket file (never a regular file). */
    public static void unlinkSocket(String path) {
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
