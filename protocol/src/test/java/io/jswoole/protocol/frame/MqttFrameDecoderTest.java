package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MqttFrameDecoderTest {

    private static FrameSpec mqtt(int max) {
        return FrameSpec.from(Map.of("open_mqtt_protocol", true, "package_max_length", max));
    }

    @Test
    void remainingLengthVarintBoundaries() {
        assertThat(Packets.varint(0)).containsExactly(0x00);
        assertThat(Packets.varint(127)).containsExactly(0x7F);
        assertThat(Packets.varint(128)).containsExactly(0x80, 0x01);
        assertThat(Packets.varint(16_383)).containsExactly(0xFF, 0x7F);
        assertThat(Packets.varint(16_384)).containsExactly(0x80, 0x80, 0x01);
        assertThat(Packets.varint(2_097_151)).containsExactly(0xFF, 0xFF, 0x7F);
        assertThat(Packets.varint(2_097_152)).containsExactly(0x80, 0x80, 0x80, 0x01);
        assertThat(Packets.varint(268_435_455)).containsExactly(0xFF, 0xFF, 0xFF, 0x7F);
    }

    @Test
    void oneToThreeByteLengthsFrameExactly() {
        byte[] ping = {(byte) 0xC0, 0};
        try (Harness h = new Harness(mqtt(1 << 20))) {
            for (int n : new int[]{0, 1, 127, 128, 16_383, 16_384, 20_000}) {
                byte[] p = Packets.mqtt(0x30, new byte[n]);
                assertThat(h.feed(Packets.concat(p, ping), 1, 2, 3, p.length)).containsExactly(p, ping);
            }
            byte[] p = Packets.mqtt(0x32, new byte[300]);
            assertThat(h.feedBytewise(Packets.concat(ping, p, ping))).containsExactly(ping, p, ping);
        }
    }

    @Test
    void fourByteLengthFramesExactly() {
        byte[] p = Packets.mqtt(0x30, new byte[2_097_152]);
        try (Harness h = new Harness(mqtt(3 << 20))) {
            assertThat(h.feed(p, 1, 2, 3, 4, 5, 1 << 20)).hasSize(1).first().isEqualTo(p);
        }
    }

    @Test
    void largestDeclaredLengthIsTooLargeForTheDefaultMaximum() {
        try (Harness h = new Harness(FrameSpec.from(Map.of("open_mqtt_protocol", true)))) {
            assertThatThrownBy(() -> h.write(new byte[]{0x30, -1, -1, -1, 0x7F}))
                    .isInstanceOfSatisfying(FrameException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE))
                    .hasMessageContaining("length=268435460");
        }
    }

    @Test
    void aFifthLengthByteIsMalformed() {
        try (Harness h = new Harness(mqtt(1 << 20))) {
            // the fourth byte's continuation bit announces a fifth: rejected without waiting for it
            assertThat(h.write(new byte[]{0x30, (byte) 0x80, (byte) 0x80})).isEmpty();
            assertThatThrownBy(() -> h.write(new byte[]{(byte) 0x80, (byte) 0x80}))
                    .isInstanceOfSatisfying(FrameException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.PROTOCOL_ERROR))
                    .hasMessageContaining("longer than 4 bytes");
            assertThat(h.write(new byte[]{(byte) 0xC0, 0})).isEmpty();
        }
    }

    @Test
    void incompleteVarintWaits() {
        try (Harness h = new Harness(mqtt(1 << 20))) {
            assertThat(h.write(new byte[]{0x30})).isEmpty();
            assertThat(h.write(new byte[]{(byte) 0x80})).isEmpty();
            assertThat(h.write(new byte[]{0x01})).isEmpty();
            assertThat(h.write(new byte[128])).hasSize(1).first().satisfies(p -> assertThat(p).hasSize(131));
        }
    }
}
