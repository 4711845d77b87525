package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Framing settings on server ports: one receive per packet, and bad streams closed with one log line. */
class FramingTest {
    @TempDir
    Path tmp;

    private static byte[] packet(String body) {
        byte[] b = body.getBytes();
        return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void lengthFramingDeliversOnePacketPerReceiveEvenByteByByte(Mode mode) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "open_length_check", true, "package_length_type", "N",
                "package_length_offset", 0, "package_body_offset", 4, "package_max_length", "1K"));
        s.onReceive((x, fd, rid, data) -> {
            got.add(new String(data, 4, data.length - 4));
            x.send(fd, data);
        });
        try (Running r = Running.start(s); Socket c = r.connect()) {
            OutputStream out = c.getOutputStream();
            byte[] two = concat(packet("hello"), packet("world"));
            for (byte b : two) {
                out.write(b);
                out.flush();
            }
            assertThat(Running.read(c, two.length)).isEqualTo(two);
            assertThat(got).containsExactly("hello", "world");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void eofSplitDeliversEachLineWithItsDelimiter(Mode mode) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "open_eof_split", true, "package_eof", Settings.parse("package_eof", "\\r\\n")));
        s.onReceive((x, fd, rid, data) -> got.add(new String(data)));
        try (Running r = Running.start(s); Socket c = r.connect()) {
            c.getOutputStream().write("one\r\ntwo\r\nthr".getBytes());
            c.getOutputStream().flush();
            assertThat(eventually(() -> got.size() == 2)).isTrue();
            c.getOutputStream().write("ee\r\n".getBytes());
            assertThat(eventually(() -> got.size() == 3)).isTrue();
            assertThat(got).containsExactly("one\r\n", "two\r\n", "three\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void aHugeDeclaredLengthClosesThatConnectionOnlyWithOneLogLine(Mode mode) throws Exception {
        Path log = tmp.resolve("s.log");
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "open_length_check", true, "package_max_length", 1024,
                "log_file", log.toString()));
        s.onReceive((x, fd, rid, data) -> x.send(fd, data));
        try (Running r = Running.start(s); Socket good = r.connect(); Socket bad = r.connect()) {
            bad.getOutputStream().write(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
            assertThat(Running.closedByPeer(bad)).isTrue();
            byte[] p = packet("still served");
            good.getOutputStream().write(p);
            assertThat(Running.read(good, p.length)).isEqualTo(p);
            assertThat(eventually(() -> count(log, "closing the connection") == 1)).isTrue();
            assertThat(Files.readString(log)).contains("1201");
        } finally {
            io.jswoole.log.Log.reset();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "THREAD"})
    void eofWithoutADelimiterIsClosedAtPackageMaxLength(Mode mode) throws Exception {
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "open_eof_check", true, "package_eof", "\n", "package_max_length", 4096));
        s.onReceive((x, fd, rid, data) -> x.send(fd, data));
        try (Running r = Running.start(s); Socket c = r.connect()) {
            byte[] junk = new byte[8192];
            java.util.Arrays.fill(junk, (byte) 'x');
            try {
                c.getOutputStream().write(junk);
            } catch (java.io.IOException e) {
                // the server may already have closed
            }
            assertThat(Running.closedByPeer(c)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE"})
    void packageLengthFunctionFramesByTheUsersRule(Mode mode) throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Server s = new Server("127.0.0.1", 0, mode);
        // first byte is the total length
        io.jswoole.protocol.frame.PackageLengthFunction f = data -> data.remaining() < 1 ? 0 : data.get(0);
        s.set(Map.of("worker_num", 1, "package_length_func", f));
        s.onReceive((x, fd, rid, data) -> got.add(new String(data, 1, data.length - 1)));
        try (Running r = Running.start(s); Socket c = r.connect()) {
            c.getOutputStream().write(new byte[] {4, 'a', 'b', 'c', 3, 'd', 'e'});
            assertThat(eventually(() -> got.size() == 2)).isTrue();
            assertThat(got).containsExactly("abc", "de");
        }
    }

    @org.junit.jupiter.api.Test
    void conflictingFramingIsRejectedAtSet() {
        Server s = new Server("127.0.0.1", 0);
        assertThatThrownBy(() -> s.set(Map.of("open_eof_check", true, "open_length_check", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("open_");
        assertThatThrownBy(() -> s.set(Map.of("package_length_type", "X")))
                .hasMessageContaining("package_length_type");
    }

    private static int count(Path log, String text) {
        try {
            String all = Files.readString(log);
            int n = 0;
            for (int i = all.indexOf(text); i >= 0; i = all.indexOf(text, i + 1)) {
                n++;
            }
            return n;
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
