package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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

    /** Echo of length-prefixed packets, reporting each body. */
    static final class Bodies implements Recipe {
        @Override
        public void build(Server s, Probe got) {
            s.onReceive((x, fd, rid, data) -> {
                got.add(new String(data, 4, data.length - 4));
                x.send(fd, data);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void lengthFramingDeliversOnePacketPerReceiveEvenByteByByte(Mode mode) throws Exception {
        try (Probe got = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_length_check", true, "package_length_type", "N", "package_length_offset", 0,
                "package_body_offset", 4, "package_max_length", "1K"), Bodies.class, got)); Socket c = r.connect()) {
            OutputStream out = c.getOutputStream();
            byte[] two = concat(packet("hello"), packet("world"));
            for (byte b : two) {
                out.write(b);
                out.flush();
            }
            assertThat(Running.read(c, two.length)).isEqualTo(two);
            assertThat(got.events()).containsExactly("hello", "world");
        }
    }

    /** Reports every receive, its line breaks escaped. */
    static final class Lines implements Recipe {
        @Override
        public void build(Server s, Probe got) {
            s.onReceive((x, fd, rid, data) -> got.add(new String(data).replace("\r", "\\r").replace("\n", "\\n")));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void eofSplitDeliversEachLineWithItsDelimiter(Mode mode) throws Exception {
        try (Probe got = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_eof_split", true, "package_eof", Settings.parse("package_eof", "\\r\\n")), Lines.class, got));
                Socket c = r.connect()) {
            c.getOutputStream().write("one\r\ntwo\r\nthr".getBytes());
            c.getOutputStream().flush();
            assertThat(eventually(() -> got.events().size() == 2)).isTrue();
            c.getOutputStream().write("ee\r\n".getBytes());
            assertThat(eventually(() -> got.events().size() == 3)).isTrue();
            assertThat(got.events()).containsExactly("one\\r\\n", "two\\r\\n", "three\\r\\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHugeDeclaredLengthClosesThatConnectionOnlyWithOneLogLine(Mode mode) throws Exception {
        Path log = tmp.resolve("s.log");
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_length_check", true, "package_max_length", 1024, "log_file", log.toString()),
                Recipe.Echo.class, probe)); Socket good = r.connect(); Socket bad = r.connect()) {
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
    @EnumSource(Mode.class)
    void eofWithoutADelimiterIsClosedAtPackageMaxLength(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_eof_check", true, "package_eof", "\n", "package_max_length", 4096), Recipe.Echo.class, probe));
                Socket c = r.connect()) {
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

    /** Frames by package_length_func (the first byte is the total length) and reports each body. */
    static final class FirstByteLength implements Recipe {
        @Override
        public void build(Server s, Probe got) {
            io.jswoole.protocol.frame.PackageLengthFunction f = data -> data.remaining() < 1 ? 0 : data.get(0);
            s.set(Map.of("package_length_func", f));
            s.onReceive((x, fd, rid, data) -> got.add(new String(data, 1, data.length - 1)));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void packageLengthFunctionFramesByTheUsersRule(Mode mode) throws Exception {
        try (Probe got = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                FirstByteLength.class, got)); Socket c = r.connect()) {
            c.getOutputStream().write(new byte[] {4, 'a', 'b', 'c', 3, 'd', 'e'});
            assertThat(eventually(() -> got.events().size() == 2)).isTrue();
            assertThat(got.events()).containsExactly("abc", "de");
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
