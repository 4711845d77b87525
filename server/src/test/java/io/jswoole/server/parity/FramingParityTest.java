package io.jswoole.server.parity;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.protocol.frame.PackageLengthFunction;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Swoole's EOF and length framing tests ({@code tests/swoole_server/eof_*.phpt}, {@code length/*.phpt}). */
class FramingParityTest {
    static final int PKG_NUM = 256;

    /**
     * The {@code TestServer} of {@code tests/include/api/swoole_server/TestServer.php}: counts packets and bytes,
     * checks each packet's index (its first decimal field, or the length header's second word), answers "end\n" at
     * the PKG_NUM-th and reports "Total count=N, bytes=B" and any lost index at close.
     */
    static final class TestServer implements Recipe {
        int count;
        long bytes;
        BitSet index = new BitSet();

        @Override
        public void build(Server s, Probe p) {
            boolean length = Boolean.TRUE.equals(s.setting().get("open_length_check"));
            s.onReceive((x, fd, rid, data) -> {
                count++;
                bytes += data.length;
                if (length && data.length >= 12) {
                    index.set(ByteBuffer.wrap(data).getInt(4));
                } else if (!length) {
                    String d = new String(data, 0, Math.min(data.length, 16), StandardCharsets.ISO_8859_1);
                    index.set(Integer.parseInt(d.substring(0, d.indexOf(':'))));
                    if (!new String(data, StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                        p.add("packet without its EOF");
                    }
                } else {
                    index.set(count - 1);
                    if (data.length != 2 || ByteBuffer.wrap(data).getShort() != 2) {
                        p.add("bad no-body packet");
                    }
                }
                if (count == PKG_NUM) {
                    x.send(fd, "end\n");
                }
            });
            s.onClose((x, fd, rid) -> {
                p.add("Total count=" + count + ", bytes=" + bytes + ", lost=" + (PKG_NUM - index.cardinality()));
                count = 0;
                bytes = 0;
                index = new BitSet();
            });
        }
    }

    /** Sends PKG_NUM packets (their bytes from {@code packet}), reads "end\n", closes; the server's report. */
    static String run(Mode mode, Map<String, Object> settings, java.util.function.IntFunction<byte[]> packet,
            long[] sent) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, settings, TestServer.class, p))) {
            try (Socket c = r.connect()) {
                OutputStream out = new java.io.BufferedOutputStream(c.getOutputStream(), 1 << 16);
                for (int i = 0; i < PKG_NUM; i++) {
                    byte[] b = packet.apply(i);
                    sent[0] += b.length;
                    out.write(b);
                }
                out.flush();
                c.setSoTimeout(20_000);
                assertThat(new String(Running.read(c, 4))).isEqualTo("end\n");
            }
            assertThat(eventually(() -> p.events().stream().anyMatch(e -> e.startsWith("Total")))).isTrue();
            return String.join("\n", p.events());
        }
    }

    /**
     * {@code tests/swoole_server/eof_protocol.phpt}: PKG_NUM packets of 1,000 to 128 KiB, each ending with
     * "\r\n\r\n", written back to back: open_eof_split delivers each once, whole, with its EOF ("end", then
     * "Total count=N, bytes=B" at close). The .phpt runs BASE; framing is the reactor's in every mode.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void eofSplitDeliversEveryPacketWhole(Mode mode) throws Exception {
        long[] sent = {0};
        String report = run(mode, Map.of("worker_num", 1, "enable_coroutine", false, "package_eof", "\r\n\r\n",
                "open_eof_split", true, "package_max_length", 2 * 1024 * 1024), i -> {
                    int len = ThreadLocalRandom.current().nextInt(1000, 1024 * 128 - 8);
                    return (i + ":" + "A".repeat(len) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                }, sent);
        assertThat(report).isEqualTo("Total count=" + PKG_NUM + ", bytes=" + sent[0] + ", lost=0");
    }

    /**
     * {@code tests/swoole_server/length/00.phpt}: packets with a 4-byte 'N' length header (length_offset 0,
     * body_offset 4), 1,000 to 128 KiB each: each arrives once, whole; {@code length/02.phpt}: 'n' headers with no
     * body (body_offset 0, the length counts the header): 2-byte packets.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void lengthCheckDeliversEveryPacketWholeWithAndWithoutBody(Mode mode) throws Exception {
        long[] sent = {0};
        String report = run(mode, Map.of("worker_num", 1, "open_length_check", true,
                "package_max_length", 1024 * 1024, "package_length_type", "N", "package_length_offset", 0,
                "package_body_offset", 4), i -> {
                    int len = ThreadLocalRandom.current().nextInt(1000, 1024 * 128 - 8);
                    ByteBuffer b = ByteBuffer.allocate(12 + len);
                    b.putInt(len + 8).putInt(i).putInt(ThreadLocalRandom.current().nextInt(10000, 99999));
                    return b.array();
                }, sent);
        assertThat(report).isEqualTo("Total count=" + PKG_NUM + ", bytes=" + sent[0] + ", lost=0");
        long[] sent2 = {0};
        String noBody = run(mode, Map.of("worker_num", 1, "open_length_check", true,
                "package_max_length", 1024 * 1024, "package_length_type", "n", "package_length_offset", 0,
                "package_body_offset", 0), i -> new byte[] {0, 2}, sent2);
        assertThat(noBody).isEqualTo("Total count=" + PKG_NUM + ", bytes=" + 2 * PKG_NUM + ", lost=0");
    }

    /** {@code length/01.phpt}, {@code length/03.phpt}: checks one big packet and answers "OK\n". */
    static final class BigPacket implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> {
                int n = ByteBuffer.wrap(data).getInt();
                byte[] want = new byte[n];
                new java.util.Random(n).nextBytes(want);
                boolean ok = data.length == n + 4 && Arrays.equals(want, 0, n, data, 4, data.length);
                x.send(fd, ok ? "OK\n" : "BAD " + data.length + "\n");
            });
        }
    }

    /**
     * {@code tests/swoole_server/length/01.phpt} (twice the kernel's wmem_max, at most 16 MiB) and
     * {@code length/03.phpt} (8 MiB of random bytes): one big packet under package_max_length 16 MiB arrives
     * whole and intact. The .phpt files run PROCESS mode, where the packet crosses to the worker.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBigLengthPacketArrivesWhole(Mode mode) throws Exception {
        long wmem = Long.parseLong(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/core/wmem_max"))
                .trim());
        // some sandboxes show a placeholder there; Linux's smallest real default is 212,992
        int size01 = (int) (Math.min(8L * 1024 * 1024, Math.max(wmem, 212_992)) * 2 - 32 - 4);
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_length_check", true, "package_max_length", 16 * 1024 * 1024, "package_length_type", "N",
                "package_length_offset", 0, "package_body_offset", 4), BigPacket.class, p))) {
            for (int size : new int[] {size01, 8 * 1024 * 1024}) {
                try (Socket c = r.connect()) {
                    c.setSoTimeout(20_000);
                    byte[] body = new byte[size];
                    new java.util.Random(size).nextBytes(body);
                    ByteArrayOutputStream b = new ByteArrayOutputStream();
                    b.write(ByteBuffer.allocate(4).putInt(size).array());
                    b.write(body);
                    c.getOutputStream().write(b.toByteArray());
                    assertThat(new String(Running.read(c, 3))).as("size " + size).isEqualTo("OK\n");
                }
            }
        }
    }

    /** {@code length_func.phpt}: every packet is 3 bytes, by package_length_func. */
    static final class LengthFunc implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.set(Map.of("package_length_func", (PackageLengthFunction) data -> 3));
            s.onReceive((x, fd, rid, data) -> x.send(fd, data.length == 3 ? "OK\n" : "BAD\n"));
        }
    }

    /** {@code tests/swoole_server/length/length_func.phpt}: 36 bytes in one write are 12 packets of 3. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void packageLengthFuncCutsThePackets(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "open_length_check", true, "package_body_offset", 4), LengthFunc.class, p)); Socket c = r.connect()) {
            c.getOutputStream().write("A".repeat(36).getBytes());
            assertThat(new String(Running.read(c, 36))).isEqualTo("OK\n".repeat(12));
        }
    }

    /** {@code eof_server.phpt}: a serialized record in 2 KiB chunks 10 ms apart is one packet. */
    static final class EofRecord implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onReceive((x, fd, rid, data) -> {
                String d = new String(data, StandardCharsets.ISO_8859_1);
                x.send(fd, d.startsWith("sid=1000236;") && d.endsWith("\r\n\r\n") ? "SUCCESS" : "ERROR");
            });
        }
    }

    /**
     * {@code tests/swoole_server/eof_server.phpt} (BASE): open_eof_check with open_eof_split delivers a record sent
     * in 2 KiB chunks 10 ms apart as one packet: "SUCCESS".
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRecordSentInChunksIsOnePacket(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "package_eof", "\r\n\r\n", "open_eof_check", true, "open_eof_split", true,
                "package_max_length", 2 * 1024 * 1024), EofRecord.class, p)); Socket c = r.connect()) {
            byte[] rec = ("sid=1000236;" + "A".repeat(8192 * ThreadLocalRandom.current().nextInt(1, 4)) + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            for (int off = 0; off < rec.length; off += 2048) {
                c.getOutputStream().write(rec, off, Math.min(2048, rec.length - off));
                Thread.sleep(10);
            }
            assertThat(new String(Running.read(c, 7))).isEqualTo("SUCCESS");
        }
    }

    /** {@code tests/swoole_server/wrong_eof_setting.phpt}: an empty package_eof is refused by name at set(). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void anEmptyPackageEofIsRefused(Mode mode) {
        Server s = new Server("127.0.0.1", 0, mode);
        assertThatThrownBy(() -> s.set(Map.of("package_eof", "", "open_eof_check", true, "open_eof_split", true)))
                .hasMessageContaining("package_eof");
    }
}
