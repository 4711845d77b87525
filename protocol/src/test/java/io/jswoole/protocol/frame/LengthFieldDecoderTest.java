package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LengthFieldDecoderTest {

    private static FrameSpec spec(LengthFieldType type, int lengthOffset, int bodyOffset, int max) {
        return FrameSpec.from(Map.of("open_length_check", true, "package_length_type", String.valueOf(type.code()),
                "package_length_offset", lengthOffset, "package_body_offset", bodyOffset, "package_max_length", max));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @ParameterizedTest
    @EnumSource(LengthFieldType.class)
    void everyTypeFramesBodyLengthAndWholeLengthPackets(LengthFieldType type) {
        int maxBody = type.size() == 1 && type.signed() ? 100 : 200;
        for (int bodyOffset : new int[]{0, 3 + type.size(), 3 + type.size() + 2}) {
            byte[] a = Packets.length(type, 3, bodyOffset, bytes("hello"));
            byte[] b = Packets.length(type, 3, bodyOffset, new byte[0]);
            byte[] c = Packets.length(type, 3, bodyOffset, new byte[maxBody]);
            byte[] stream = Packets.concat(a, b, c);
            try (Harness h = new Harness(spec(type, 3, bodyOffset, 1024))) {
                assertThat(h.feedBytewise(stream)).containsExactly(a, b, c);
            }
            try (Harness h = new Harness(spec(type, 3, bodyOffset, 1024))) {
                assertThat(h.write(stream)).containsExactly(a, b, c);
            }
        }
    }

    @Test
    void hostOrderIsNativeOrder() {
        byte[] le = {5, 0, 0, 0, 'h', 'e', 'l', 'l', 'o'};
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_LONG, 0, 4, 1024))) {
            if (java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN) {
                assertThat(h.write(le)).containsExactly(le);
            }
        }
        byte[] be = {0, 5, 'h', 'e', 'l', 'l', 'o'};
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_SHORT_BE, 0, 2, 1024))) {
            assertThat(h.write(be)).containsExactly(be);
        }
    }

    @Test
    void swoolesDefaultsAreAFourByteBigEndianBodyLength() {
        byte[] p = {0, 0, 0, 2, 'o', 'k'};
        try (Harness h = new Harness(FrameSpec.from(Map.of("open_length_check", true)))) {
            assertThat(h.feed(Packets.concat(p, p), 1, 5, 7)).containsExactly(p, p);
        }
    }

    @Test
    void hugeDeclaredLengthFailsAtTheHeaderBeforeAnythingIsBuffered() {
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_LONG_BE, 0, 4, 2 << 20))) {
            byte[] header = {0x40, 0, 0, 0}; // 1 GiB body
            assertThat(h.write(header, 0, 3)).isEmpty();
            assertThat(h.decoder.bufferCapacity()).isLessThan(64);
            assertThatThrownBy(() -> h.write(header, 3, 4))
                    .isInstanceOfSatisfying(FrameException.class, e -> {
                        assertThat(e.error()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE);
                        assertThat(e.code()).isEqualTo(1201);
                        assertThat(e.getMessage()).contains("4+1073741824").contains("2097152");
                    });
            assertThat(h.decoder.failed()).isTrue();
            assertThat(h.decoder.bufferCapacity()).isZero();
            // whatever follows is discarded without a second error
            assertThat(h.write(new byte[1 << 16])).isEmpty();
            assertThat(h.decoder.bufferCapacity()).isZero();
        }
    }

    @Test
    void aLegalLargePacketIsNotPreallocated() {
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_LONG_BE, 0, 4, 2 << 20))) {
            assertThat(h.write(new byte[]{0, 0x10, 0, 0, 1, 2, 3})).isEmpty(); // 1 MiB declared, 3 bytes sent
            assertThat(h.decoder.bufferCapacity()).isLessThan(1024);
        }
    }

    @Test
    void maxLengthCountsTheHeaderAndIsInclusive() {
        byte[] exact = Packets.length(LengthFieldType.UNSIGNED_SHORT_BE, 0, 2, new byte[30]);
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_SHORT_BE, 0, 2, 32))) {
            assertThat(h.write(exact)).containsExactly(exact);
            assertThatThrownBy(() -> h.write(new byte[]{0, 31}))
                    .isInstanceOf(FrameException.class).hasMessageContaining("2+31");
        }
    }

    @Test
    void negativeSignedLengthIsAProtocolError() {
        for (LengthFieldType type : new LengthFieldType[]{LengthFieldType.SIGNED_CHAR, LengthFieldType.SIGNED_SHORT,
                LengthFieldType.SIGNED_LONG, LengthFieldType.SIGNED_LONG_LONG}) {
            try (Harness h = new Harness(spec(type, 0, 8, 1024))) {
                assertThatThrownBy(() -> h.write(Packets.concat(Packets.field(type, -1), new byte[7])))
                        .isInstanceOfSatisfying(FrameException.class,
                                e -> assertThat(e.error()).isEqualTo(ErrorCode.PROTOCOL_ERROR))
                        .hasMessageContaining("negative length -1");
            }
        }
    }

    @Test
    void overflowingLengthsAreTooLarge() {
        for (LengthFieldType type : new LengthFieldType[]{LengthFieldType.UNSIGNED_LONG_LONG,
                LengthFieldType.UNSIGNED_LONG_LONG_BE, LengthFieldType.UNSIGNED_LONG_LONG_LE}) {
            try (Harness h = new Harness(spec(type, 0, 8, 1024))) {
                assertThatThrownBy(() -> h.write(Packets.field(type, -1L)))
                        .isInstanceOfSatisfying(FrameException.class,
                                e -> assertThat(e.error()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE))
                        .hasMessageContaining("18446744073709551615");
            }
        }
        // Long.MAX_VALUE + body offset would overflow a long
        try (Harness h = new Harness(spec(LengthFieldType.SIGNED_LONG_LONG, 0, 8, Integer.MAX_VALUE))) {
            assertThatThrownBy(() -> h.write(Packets.field(LengthFieldType.SIGNED_LONG_LONG, Long.MAX_VALUE)))
                    .isInstanceOf(FrameException.class).hasMessageContaining("8+" + Long.MAX_VALUE);
        }
        // 0xFFFFFFFF + 4 does not fit an int: still compared exactly
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_LONG_BE, 0, 4, Integer.MAX_VALUE))) {
            assertThatThrownBy(() -> h.write(new byte[]{-1, -1, -1, -1}))
                    .isInstanceOf(FrameException.class).hasMessageContaining("4+4294967295");
        }
    }

    @Test
    void aLengthThatEndsThePacketInsideItsHeaderIsAProtocolError() {
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_SHORT_BE, 2, 0, 1024))) {
            assertThatThrownBy(() -> h.write(new byte[]{'M', 'G', 0, 3}))
                    .isInstanceOfSatisfying(FrameException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.PROTOCOL_ERROR))
                    .hasMessageContaining("before its 4-byte header");
        }
        byte[] headerOnly = {'M', 'G', 0, 4};
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_SHORT_BE, 2, 0, 1024))) {
            assertThat(h.write(headerOnly)).containsExactly(headerOnly);
        }
    }

    @Test
    void errorAfterGoodPacketsDeliversTheGoodOnes() {
        byte[] good = {0, 1, 'x'};
        try (Harness h = new Harness(spec(LengthFieldType.UNSIGNED_SHORT_BE, 0, 2, 16))) {
            assertThatThrownBy(() -> h.write(Packets.concat(good, good, new byte[]{0, 100})))
                    .isInstanceOf(FrameException.class);
            List<Object> delivered = List.of(h.channel.inboundMessages().toArray());
            assertThat(delivered).hasSize(2);
        }
    }
}
