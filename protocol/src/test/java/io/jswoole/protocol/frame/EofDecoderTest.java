package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EofDecoderTest {

    private static FrameSpec split(String eof, int max) {
        return FrameSpec.from(Map.of("open_eof_split", true, "package_eof", eof, "package_max_length", max));
    }

    private static FrameSpec check(String eof, int max) {
        return FrameSpec.from(Map.of("open_eof_check", true, "package_eof", eof, "package_max_length", max));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> strings(List<byte[]> packets) {
        return packets.stream().map(p -> new String(p, StandardCharsets.ISO_8859_1)).toList();
    }

    @Test
    void splitDeliversOnePacketPerMessageWithItsDelimiter() {
        try (Harness h = new Harness(split("\r\n", 1024))) {
            assertThat(strings(h.write(b("ab\r\ncd\r\nef\r")))).containsExactly("ab\r\n", "cd\r\n");
            assertThat(strings(h.write(b("\n")))).containsExactly("ef\r\n");
            assertThat(strings(h.write(b("\r\n")))).containsExactly("\r\n");
        }
    }

    @Test
    void checkDeliversEverythingBufferedOnceItEndsWithTheDelimiter() {
        try (Harness h = new Harness(check("\r\n", 1024))) {
            assertThat(strings(h.write(b("ab\r\ncd\r\nef\r")))).isEmpty();
            assertThat(strings(h.write(b("\n")))).containsExactly("ab\r\ncd\r\nef\r\n");
            assertThat(strings(h.write(b("gh\r\n")))).containsExactly("gh\r\n");
        }
    }

    @Test
    void defaultDelimiterIsTheBlankLine() {
        try (Harness h = new Harness(FrameSpec.from(Map.of("open_eof_split", true)))) {
            assertThat(strings(h.feedBytewise(b("GET / HTTP/1.0\r\n\r\nX\r\n\r\n"))))
                    .containsExactly("GET / HTTP/1.0\r\n\r\n", "X\r\n\r\n");
        }
    }

    @Test
    void selfOverlappingDelimiterIsFoundAtItsFirstOccurrence() {
        // "abab" may start inside a partial match: "aababab" holds it at index 1
        try (Harness h = new Harness(split("abab", 1024))) {
            assertThat(strings(h.feed(b("aababab|abab"), 2, 3, 5, 6)))
                    .containsExactly("aabab", "ab|abab");
        }
        try (Harness h = new Harness(split("aa", 1024))) {
            assertThat(strings(h.feedBytewise(b("xaaaayaa")))).containsExactly("xaa", "aa", "yaa");
        }
    }

    @Test
    void delimiterStraddlingReadsIsFound() {
        byte[] eof = {0, (byte) 0xFF, 1, 2, 3, 4, 5, 6};
        byte[] packet = Packets.concat(b("payload"), eof);
        try (Harness h = new Harness(FrameSpec.from(Map.of("open_eof_split", true, "package_eof", eof)))) {
            for (int cut = 1; cut < packet.length; cut++) {
                assertThat(h.feed(packet, cut)).containsExactly(packet);
            }
        }
    }

    @Test
    void splitFailsAtMaxLengthWithoutDelimiter() {
        try (Harness h = new Harness(split("\n", 16))) {
            assertThat(h.write(new byte[15])).isEmpty();
            assertThatThrownBy(() -> h.write(new byte[1]))
                    .isInstanceOfSatisfying(FrameException.class, e -> {
                        assertThat(e.error()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE);
                        assertThat(e.getMessage()).contains("no package_eof in 16 bytes");
                    });
            assertThat(h.write(b("\n\n\n"))).isEmpty();
            assertThat(h.decoder.bufferCapacity()).isZero();
        }
    }

    @Test
    void splitAcceptsAPacketOfExactlyMaxLengthAndRejectsOneByteMore() {
        byte[] exact = Packets.concat(new byte[14], b("\r\n"));
        try (Harness h = new Harness(split("\r\n", 16))) {
            assertThat(h.feedBytewise(exact)).containsExactly(exact);
            assertThatThrownBy(() -> h.write(Packets.concat(new byte[15], b("\r\n"))))
                    .isInstanceOf(FrameException.class);
        }
    }

    @Test
    void checkFailsAtMaxLengthWithoutDelimiter() {
        try (Harness h = new Harness(check("\r\n", 16))) {
            assertThat(h.write(b("0123456789abcd\r"))).isEmpty();
            assertThatThrownBy(() -> h.write(b("x")))
                    .isInstanceOfSatisfying(FrameException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE));
        }
        try (Harness h = new Harness(check("\r\n", 16))) {
            assertThat(strings(h.write(b("0123456789abcd\r\n")))).containsExactly("0123456789abcd\r\n");
        }
    }

    @Test
    void checkNeverDeliversMoreThanMaxLength() {
        // one read brings 3 glued packets, 24 bytes, past the 16-byte maximum: the longest prefix that fits goes
        try (Harness h = new Harness(check("\n", 16))) {
            assertThat(strings(h.write(b("1234567\n1234567\n1234567\n"))))
                    .containsExactly("1234567\n1234567\n", "1234567\n");
        }
        // a read that reaches the maximum in the middle of a packet delivers the whole packets before it
        try (Harness h = new Harness(check("\n", 16))) {
            assertThat(strings(h.write(b("123\n456\n789abcdef")))).containsExactly("123\n456\n");
            assertThat(strings(h.write(b("\n")))).containsExactly("789abcdef\n");
        }
    }
}
