package io.jswoole.protocol.frame;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For every framing mode: any valid packet stream, glued into one byte stream and cut at any points, yields the
 * same packets; so does feeding it one byte at a time. Fixed seeds keep runs reproducible.
 */
class FramingPropertiesTest {
    private static final String SEED = "20251122";

    /** A framing and the packets of one valid stream in it. */
    record Case(FrameSpec spec, List<byte[]> packets) {
        byte[] stream() {
            return Packets.concat(packets);
        }

        @Override
        public String toString() {
            return spec + " packets=" + packets.stream().map(Arrays::toString).toList();
        }
    }

    /** Cut offsets, scaled from millionths of the stream length. */
    private static int[] cuts(List<Integer> millionths, int length) {
        TreeSet<Integer> set = new TreeSet<>();
        for (int m : millionths) {
            set.add((int) ((long) m * length / 1_000_000));
        }
        return set.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<byte[]> decode(Case c, int[] cuts) {
        try (Harness h = new Harness(c.spec())) {
            return h.feed(c.stream(), cuts);
        }
    }

    private static List<byte[]> decodeBytewise(Case c) {
        try (Harness h = new Harness(c.spec())) {
            return h.feedBytewise(c.stream());
        }
    }

    @Property(seed = SEED)
    void anySplitYieldsThePackets(@ForAll("exactCases") Case c,
                                  @ForAll @Size(max = 24) List<@IntRange(max = 1_000_000) Integer> cuts) {
        assertThat(decode(c, cuts(cuts, c.stream().length))).containsExactlyElementsOf(c.packets());
    }

    @Property(seed = SEED, tries = 60)
    void byteByByteYieldsThePackets(@ForAll("exactCases") Case c) {
        assertThat(decodeBytewise(c)).containsExactlyElementsOf(c.packets());
    }

    @Property(seed = SEED)
    void eofCheckDeliversWholePacketsGluedAtReadBoundaries(
            @ForAll("eofCheckCases") Case c,
            @ForAll @Size(max = 24) List<@IntRange(max = 1_000_000) Integer> cuts) {
        byte[] stream = c.stream();
        List<byte[]> messages = decode(c, cuts(cuts, stream.length));
        assertThat(Packets.concat(messages)).isEqualTo(stream);
        TreeSet<Integer> packetEnds = new TreeSet<>();
        int end = 0;
        for (byte[] p : c.packets()) {
            packetEnds.add(end += p.length);
        }
        byte[] eof = c.spec().packageEof();
        int at = 0;
        for (byte[] m : messages) {
            at += m.length;
            assertThat(packetEnds).contains(at);
            assertThat(Arrays.copyOfRange(m, m.length - eof.length, m.length)).isEqualTo(eof);
        }
    }

    @Property(seed = SEED, tries = 60)
    void eofCheckByteByByteYieldsThePackets(@ForAll("eofCheckCases") Case c) {
        assertThat(decodeBytewise(c)).containsExactlyElementsOf(c.packets());
    }

    // ---------------------------------------------------------------- generators

    /** Modes that deliver exactly one packet per message. */
    @Provide
    Arbitrary<Case> exactCases() {
        return Arbitraries.oneOf(lengthCases(), eofSplitCases(), lengthFunctionCases(), mqttCases());
    }

    private static Arbitrary<List<byte[]>> bodies(int maxSize) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(maxSize).list().ofMaxSize(12);
    }

    Arbitrary<Case> lengthCases() {
        Arbitrary<LengthFieldType> types = Arbitraries.of(LengthFieldType.class);
        Arbitrary<Integer> lengthOffsets = Arbitraries.integers().between(0, 5);
        // 0: length counts the whole packet; 1: body after the header; 2: body after a longer header
        Arbitrary<Integer> bodyModes = Arbitraries.integers().between(0, 2);
        return Combinators.combine(types, lengthOffsets, bodyModes, bodies(100)).as((type, off, mode, bodies) -> {
            int headerEnd = off + type.size();
            int bodyOffset = mode == 0 ? 0 : headerEnd + (mode == 2 ? 3 : 0);
            FrameSpec spec = FrameSpec.from(Map.of("open_length_check", true,
                    "package_length_type", String.valueOf(type.code()), "package_length_offset", off,
                    "package_body_offset", bodyOffset, "package_max_length", 4096));
            List<byte[]> packets = bodies.stream().map(b -> Packets.length(type, off, bodyOffset, b)).toList();
            return new Case(spec, packets);
        });
    }

    Arbitrary<Case> lengthFunctionCases() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xFE), bodies(300)).as((type, bodies) ->
                new Case(FrameSpec.from(Map.of("package_length_func", Packets.TYPE_LEN_FUNC)),
                        bodies.stream().map(b -> Packets.typeLen(type, b)).toList()));
    }

    Arbitrary<Case> mqttCases() {
        Arbitrary<Integer> typeBytes = Arbitraries.integers().between(0, 255);
        Arbitrary<byte[]> payloads = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(200),
                Arbitraries.integers().between(16_000, 17_000).map(byte[]::new));
        Arbitrary<byte[]> packets = Combinators.combine(typeBytes, payloads).as(Packets::mqtt);
        return packets.list().ofMaxSize(8).map(ps -> new Case(FrameSpec.from(Map.of("open_mqtt_protocol", true)), ps));
    }

    /**
     * Delimiters and bodies over a small alphabet, so that bodies often hold partial (and self-overlapping)
     * delimiters; each body is cut short where needed so that its delimiter first occurs at its end.
     */
    Arbitrary<Case> eofSplitCases() {
        Arbitrary<byte[]> eofs = Arbitraries.oneOf(
                Arbitraries.bytes().between((byte) 'a', (byte) 'c').array(byte[].class).ofMinSize(1).ofMaxSize(8),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8));
        Arbitrary<List<byte[]>> bodies = Arbitraries.bytes().between((byte) 'a', (byte) 'd')
                .array(byte[].class).ofMaxSize(40).list().ofMaxSize(12);
        return Combinators.combine(eofs, bodies).as((eof, bs) -> {
            List<byte[]> packets = new ArrayList<>();
            for (byte[] body : bs) {
                packets.add(splitPacket(body, eof));
            }
            return new Case(FrameSpec.from(Map.of("open_eof_split", true, "package_eof", eof,
                    "package_max_length", 64)), packets);
        });
    }

    /** The longest {@code prefix(body) + eof} in which {@code eof} first occurs at the end. */
    private static byte[] splitPacket(byte[] body, byte[] eof) {
        for (int n = body.length; ; n--) {
            byte[] p = Packets.concat(Arrays.copyOf(body, n), eof);
            if (firstIndex(p, eof) == n) {
                return p;
            }
        }
    }

    private static int firstIndex(byte[] data, byte[] eof) {
        outer:
        for (int i = 0; i + eof.length <= data.length; i++) {
            for (int k = 0; k < eof.length; k++) {
                if (data[i + k] != eof[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * For {@code open_eof_check}, whose guarantee is only "messages end with the delimiter": delimiters without a
     * border (no proper prefix equal to a suffix) and non-empty bodies free of delimiter bytes, so that the
     * delimiter bytes occur only at packet ends.
     */
    @Provide
    Arbitrary<Case> eofCheckCases() {
        Arbitrary<byte[]> eofs = Arbitraries.oneOf(
                Arbitraries.of("\r\n", "\n", "\r\n\r\n", "END").map(String::getBytes),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8)
                        .filter(FramingPropertiesTest::borderFree));
        Arbitrary<List<byte[]>> bodies = Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(40)
                .list().ofMaxSize(12);
        return Combinators.combine(eofs, bodies).as((eof, bs) -> {
            byte filler = 0;
            while (contains(eof, filler)) {
                filler++;
            }
            List<byte[]> packets = new ArrayList<>();
            for (byte[] body : bs) {
                byte[] clean = body.clone();
                for (int i = 0; i < clean.length; i++) {
                    if (contains(eof, clean[i])) {
                        clean[i] = filler;
                    }
                }
                packets.add(Packets.concat(clean, eof));
            }
            return new Case(FrameSpec.from(Map.of("open_eof_check", true, "package_eof", eof,
                    "package_max_length", 1 << 16)), packets);
        });
    }

    private static boolean borderFree(byte[] eof) {
        for (int k = 1; k < eof.length; k++) {
            if (Arrays.equals(eof, 0, k, eof, eof.length - k, eof.length)) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(byte[] bytes, byte b) {
        for (byte x : bytes) {
            if (x == b) {
                return true;
            }
        }
        return false;
    }
}
