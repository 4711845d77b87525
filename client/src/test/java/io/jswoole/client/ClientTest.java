package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.coroutine.Coroutine;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClientTest {
    /** A server that answers one connection with {@code script}: chunks written with 30 ms pauses. */
    private static ServerSocket server(byte[]... script) throws Exception {
        return server(30, script);
    }

    private static ServerSocket server(int pauseMs, byte[]... script) throws Exception {
        ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            try (Socket s = ss.accept(); OutputStream out = s.getOutputStream(); InputStream in = s.getInputStream()) {
                in.read(new byte[64]);
                for (byte[] chunk : script) {
                    out.write(chunk);
                    out.flush();
                    Thread.sleep(pauseMs);
                }
                in.read();
            } catch (Exception e) {
                // the test ends the connection
            }
        });
        return ss;
    }

    private static byte[] framed(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }

    @Test
    void tcpRecvReturnsWholeLengthFramedPackets() throws Exception {
        byte[] one = framed("hello");
        byte[] two = framed("world!");
        byte[] three = framed("split packet");
        try (ServerSocket ss = server(concat(one, two), java.util.Arrays.copyOf(three, 7),
                java.util.Arrays.copyOfRange(three, 7, three.length))) {
            Coroutine.run(() -> {
                Client c = new Client(Client.Type.TCP);
                c.set(Map.of("open_length_check", true, "package_length_type", "N", "package_length_offset", 0,
                        "package_body_offset", 4));
                assertThat(c.connect("127.0.0.1", ss.getLocalPort(), 1)).isTrue();
                assertThat(c.isConnected()).isTrue();
                assertThat(c.getpeername()).isEqualTo("127.0.0.1:" + ss.getLocalPort());
                assertThat(c.send("go")).isEqualTo(2);
                assertThat(c.recv(2)).isEqualTo(one);
                assertThat(c.recv(2)).isEqualTo(two);
                assertThat(c.recv(2)).isEqualTo(three);
                c.close();
                assertThat(c.isConnected()).isFalse();
            });
        }
    }

    @Test
    void eofSplitAndRecvTimeoutKeepsTheConnection() throws Exception {
        try (ServerSocket ss = server(300, "a\r\nb".getBytes(), "c\r\n".getBytes())) {
            Coroutine.run(() -> {
                Client c = new Client(Client.Type.TCP);
                c.set(Map.of("open_eof_split", true, "package_eof", "\r\n"));
                assertThat(c.connect("127.0.0.1", ss.getLocalPort(), 1)).isTrue();
                c.send("go");
                assertThat(new String(c.recv(1))).isEqualTo("a\r\n");
                assertThat(c.recv(0.02)).isNull();
                assertThat(c.errCode()).isEqualTo(Client.ETIMEDOUT);
                assertThat(new String(c.recv(1))).isEqualTo("bc\r\n");
                c.close();
            });
        }
    }

    @Test
    void oversizedPacketClosesWithSwooleCode() throws Exception {
        try (ServerSocket ss = server(ByteBuffer.allocate(8).putInt(1 << 20).putInt(0).array())) {
            Coroutine.run(() -> {
                Client c = new Client(Client.Type.TCP);
                c.set(Map.of("open_length_check", true, "package_max_length", 1024));
                assertThat(c.connect("127.0.0.1", ss.getLocalPort(), 1)).isTrue();
                c.send("go");
                assertThat(c.recv(1)).isNull();
                assertThat(c.errCode()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE.code());
                assertThat(c.isConnected()).isFalse();
            });
        }
    }

    @Test
    void refusedClosedAndCanceled() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        try (ServerSocket ss = server("bye".getBytes())) {
            Coroutine.run(() -> {
                Client refused = new Client(Client.Type.TCP);
                assertThat(refused.connect("127.0.0.1", port, 1)).isFalse();
                assertThat(refused.errCode()).isEqualTo(Client.ECONNREFUSED);
                assertThat(refused.send("x")).isEqualTo(-1);
                assertThat(refused.errCode()).isEqualTo(Client.ENOTCONN);

                Client c = new Client(Client.Type.TCP);
                assertThat(c.connect("127.0.0.1", ss.getLocalPort())).isTrue();
                AtomicReference<byte[]> got = new AtomicReference<>();
                long reader = Coroutine.go(() -> got.set(c.recv(5)));
                assertThat(Coroutine.cancel(reader)).isTrue();
                Coroutine.join(new long[] {reader}, 1);
                assertThat(got.get()).isNull();
                assertThat(c.errCode()).isEqualTo(Client.ECANCELED);
                c.send("go");
                assertThat(new String(c.recv(1))).isEqualTo("bye");
                c.send("done");
                assertThat(c.recv(1)).isEmpty();
                c.close();
            });
        }
    }

    @Test
    void udpSendtoRecvfromAndConnected() throws Exception {
        try (DatagramSocket echo = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                byte[] buf = new byte[1024];
                try {
                    for (int i = 0; i < 2; i++) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        echo.receive(p);
                        echo.send(new DatagramPacket(("echo:" + new String(p.getData(), 0, p.getLength())).getBytes(),
                                p.getLength() + 5, p.getSocketAddress()));
                    }
                } catch (Exception e) {
                    // closed
                }
            });
            Coroutine.run(() -> {
                Client u = new Client(Client.Type.UDP);
                assertThat(u.sendto("127.0.0.1", echo.getLocalPort(), "one".getBytes())).isTrue();
                Client.Datagram d = u.recvfrom(2);
                assertThat(new String(d.data())).isEqualTo("echo:one");
                assertThat(d.port()).isEqualTo(echo.getLocalPort());
                u.close();
                Client c = new Client(Client.Type.UDP);
                assertThat(c.connect("127.0.0.1", echo.getLocalPort(), 1)).isTrue();
                c.send("two");
                assertThat(new String(c.recv(2))).isEqualTo("echo:two");
                assertThat(c.recv(0.01)).isNull();
                assertThat(c.errCode()).isEqualTo(Client.ETIMEDOUT);
                c.close();
            });
        }
    }

    @Test
    void unixStreamSocket() throws Exception {
        Path path = Files.createTempDirectory("jsw").resolve("s.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            Thread.ofPlatform().daemon().start(() -> {
                try (SocketChannel s = server.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(64);
                    s.read(b);
                    b.flip();
                    s.write(ByteBuffer.wrap(("unix:" + StandardCharsets.UTF_8.decode(b)).getBytes()));
                    s.read(ByteBuffer.allocate(1));
                } catch (Exception e) {
                    // closed
                }
            });
            Coroutine.run(() -> {
                Client c = new Client(Client.Type.UNIX_STREAM);
                assertThat(c.connect(path.toString(), 0, 1)).isTrue();
                c.send("hi");
                assertThat(new String(c.recv(2))).isEqualTo("unix:hi");
                c.close();
            });
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
