package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Extra ports with their own callbacks; UDP; Unix sockets. */
class PortsTest {
    @TempDir
    Path tmp;

    /** The main port answers "Swoole: ", a UDP port "welcome admin" (reporting its port), a TCP port "inner ". */
    static final class ThreePorts implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> x.send(fd, "Swoole: " + new String(data)));
            Port admin = s.addListener("127.0.0.1", 0, SockType.UDP);
            admin.onPacket((x, data, client) -> {
                probe.add("packet on " + client.serverPort());
                x.sendto(client.address(), client.port(), "welcome admin".getBytes(), client.serverSocket());
            });
            Port inner = s.listen("127.0.0.1", 0, SockType.TCP);
            inner.onReceive((x, fd, rid, data) -> x.send(fd, "inner " + new String(data)));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void tcpAndUdpPortsEachUseTheirOwnCallbacks(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2),
                ThreePorts.class, probe))) {
            Server s = r.server;
            Port admin = s.ports().get(1);
            Port inner = s.ports().get(2);
            assertThat(admin.port()).isPositive().isNotEqualTo(s.port());
            try (Socket c = r.connect()) {
                c.getOutputStream().write("hi".getBytes());
                assertThat(new String(Running.read(c, 10))).isEqualTo("Swoole: hi");
            }
            try (Socket c = Running.connect(inner.port())) {
                c.getOutputStream().write("hi".getBytes());
                assertThat(new String(Running.read(c, 8))).isEqualTo("inner hi");
            }
            try (DatagramSocket u = new DatagramSocket()) {
                u.setSoTimeout(5000);
                byte[] hello = "stats".getBytes();
                u.send(new DatagramPacket(hello, hello.length, InetAddress.getLoopbackAddress(), admin.port()));
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                u.receive(p);
                assertThat(new String(p.getData(), 0, p.getLength())).isEqualTo("welcome admin");
            }
            assertThat(probe.events()).containsExactly("packet on " + admin.port());
        }
    }

    /** Sends every datagram back to its sender. */
    static final class DatagramEcho implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onPacket((x, data, client) -> x.sendto(client.address(), client.port(), data));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void udpServerEchoesPackets(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, "127.0.0.1", SockType.UDP,
                Map.of("worker_num", 1), DatagramEcho.class, probe)); DatagramSocket u = new DatagramSocket()) {
            u.setSoTimeout(5000);
            for (String msg : new String[] {"one", "two"}) {
                u.send(new DatagramPacket(msg.getBytes(), msg.length(), InetAddress.getLoopbackAddress(), r.port()));
                DatagramPacket p = new DatagramPacket(new byte[100], 100);
                u.receive(p);
                assertThat(new String(p.getData(), 0, p.getLength())).isEqualTo(msg);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unixStreamServer(Mode mode) throws Exception {
        Path sock = tmp.resolve("echo.sock");
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, sock.toString(),
                SockType.UNIX_STREAM, Map.of("worker_num", 1), Recipe.Echo.class, probe));
                SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.write(ByteBuffer.wrap("unix".getBytes()));
            ByteBuffer in = ByteBuffer.allocate(4);
            while (in.hasRemaining()) {
                assertThat(ch.read(in)).isNotNegative();
            }
            assertThat(new String(in.array())).isEqualTo("unix");
        }
        assertThat(sock).as("socket file removed at shutdown").doesNotExist();
    }

    /** Answers a Unix datagram with "re: " and what it said. */
    static final class UnixDatagramReply implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onPacket((x, data, info) -> x.sendto(info.address(), 0, ("re: " + new String(data)).getBytes()));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void unixDatagramServer(Mode mode) throws Exception {
        Path sock = tmp.resolve("dgram.sock");
        Path client = tmp.resolve("client.sock");
        // the JDK has no Unix datagram sockets: the client is a Netty epoll domain datagram channel
        java.util.concurrent.BlockingQueue<String> replies = new java.util.concurrent.LinkedBlockingQueue<>();
        var group = new io.netty.channel.MultiThreadIoEventLoopGroup(1,
                io.netty.channel.epoll.EpollIoHandler.newFactory());
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, sock.toString(),
                SockType.UNIX_DGRAM, Map.of("worker_num", 1), UnixDatagramReply.class, probe))) {
            var ch = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.epoll.EpollDomainDatagramChannel.class)
                    .handler(new io.netty.channel.SimpleChannelInboundHandler<
                            io.netty.channel.unix.DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(io.netty.channel.ChannelHandlerContext ctx,
                                io.netty.channel.unix.DomainDatagramPacket p) {
                            replies.add(p.content().toString(StandardCharsets.UTF_8));
                        }
                    })
                    .bind(new io.netty.channel.unix.DomainSocketAddress(client.toString())).sync().channel();
            ch.writeAndFlush(new io.netty.channel.unix.DomainDatagramPacket(
                    io.netty.buffer.Unpooled.copiedBuffer("ping", StandardCharsets.UTF_8),
                    new io.netty.channel.unix.DomainSocketAddress(sock.toString()))).sync();
            assertThat(replies.poll(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("re: ping");
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
