package io.jswoole.protocol.frame;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameSpecTest {

    private static void rejects(Map<String, Object> settings, String key, String detail) {
        assertThatThrownBy(() -> FrameSpec.from(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(key + ":")
                .hasMessageContaining(detail);
    }

    @Test
    void emptySettingsAreUnframedWithSwoolesDefaults() {
        FrameSpec spec = FrameSpec.from(Map.of("worker_num", 4));
        assertThat(spec.isFramed()).isFalse();
        assertThat(spec.mode()).isEqualTo(FrameSpec.Mode.NONE);
        assertThat(spec.newDecoder()).isNull();
        assertThat(spec.packageEof()).isEqualTo("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(spec.packageLengthType()).isEqualTo(LengthFieldType.UNSIGNED_LONG_BE);
        assertThat(spec.packageLengthOffset()).isZero();
        assertThat(spec.packageBodyOffset()).isEqualTo(4);
        assertThat(spec.packageMaxLength()).isEqualTo(2 * 1024 * 1024);
        assertThat(spec).isEqualTo(FrameSpec.none());
    }

    @Test
    void keysListsEveryFramingKeyAndAlias() {
        assertThat(FrameSpec.keys()).containsExactlyInAnyOrder("open_eof_check", "open_eof_split", "package_eof",
                "open_length_check", "package_length_type", "package_length_offset", "package_body_offset",
                "package_body_start", "package_length_func", "package_max_length", "open_mqtt_protocol");
    }

    @Test
    void eachModeMakesAFreshDecoderOfItsKind() {
        assertThat(FrameSpec.from(Map.of("open_eof_check", true)).newDecoder()).isInstanceOf(EofCheckDecoder.class);
        assertThat(FrameSpec.from(Map.of("open_eof_split", true)).mode()).isEqualTo(FrameSpec.Mode.EOF_SPLIT);
        assertThat(FrameSpec.from(Map.of("open_eof_check", true, "open_eof_split", true)).newDecoder())
                .isInstanceOf(EofSplitDecoder.class);
        FrameSpec length = FrameSpec.from(Map.of("open_length_check", true));
        assertThat(length.newDecoder()).isInstanceOf(LengthFieldDecoder.class).isNotSameAs(length.newDecoder());
        assertThat(FrameSpec.from(Map.of("package_length_func", Packets.TYPE_LEN_FUNC)).newDecoder())
                .isInstanceOf(LengthFunctionDecoder.class);
        assertThat(FrameSpec.from(Map.of("open_length_check", true, "package_length_func", Packets.TYPE_LEN_FUNC))
                .mode()).isEqualTo(FrameSpec.Mode.LENGTH_FUNCTION);
        assertThat(FrameSpec.from(Map.of("open_mqtt_protocol", true)).newDecoder())
                .isInstanceOf(MqttFrameDecoder.class);
        assertThat(FrameSpec.from(Map.of("open_eof_check", false, "open_length_check", false)).isFramed()).isFalse();
    }

    @Test
    void readsTypedValuesAndAliases() {
        FrameSpec spec = FrameSpec.from(Map.of("open_length_check", true, "package_length_type", 'v',
                "package_length_offset", 2L, "package_body_start", 0, "package_max_length", 1L << 20));
        assertThat(spec.packageLengthType()).isEqualTo(LengthFieldType.UNSIGNED_SHORT_LE);
        assertThat(spec.packageLengthOffset()).isEqualTo(2);
        assertThat(spec.packageBodyOffset()).isZero();
        assertThat(spec.packageMaxLength()).isEqualTo(1 << 20);
        assertThat(FrameSpec.from(Map.of("package_body_offset", 8, "package_body_start", 8)).packageBodyOffset())
                .isEqualTo(8);
        assertThat(FrameSpec.from(Map.of("open_eof_split", true, "package_eof", new byte[]{0, (byte) 0xFF}))
                .packageEof()).containsExactly(0, 0xFF);
        assertThat(FrameSpec.from(Map.of("open_eof_split", true, "package_eof", "\n")).toString())
                .isEqualTo("FrameSpec[EOF_SPLIT package_eof=\"\\n\" package_max_length=2097152]");
    }

    @Test
    void everyLengthTypeCodeIsAccepted() {
        for (char code : "cCsSnNlLvVqQJP".toCharArray()) {
            FrameSpec spec = FrameSpec.from(Map.of("open_length_check", true, "package_length_type",
                    String.valueOf(code), "package_body_offset", 8));
            assertThat(spec.packageLengthType().code()).isEqualTo(code);
        }
        assertThat(LengthFieldType.values()).hasSize(14);
    }

    @Test
    void rejectsBadEof() {
        rejects(Map.of("package_eof", ""), "package_eof", "1 to 8 bytes");
        rejects(Map.of("package_eof", "123456789"), "package_eof", "got 9");
        rejects(Map.of("package_eof", 13), "package_eof", "expected a String or byte[]");
        rejects(Map.of("open_eof_check", true, "package_eof", "\r\n", "package_max_length", 1),
                "package_max_length", "shorter than package_eof");
    }

    @Test
    void rejectsBadLengthSettings() {
        rejects(Map.of("package_length_type", "x"), "package_length_type", "unknown type 'x'");
        rejects(Map.of("package_length_type", "NN"), "package_length_type", "not one character");
        rejects(Map.of("package_length_type", 4), "package_length_type", "expected a one-character String");
        rejects(Map.of("package_length_offset", -1), "package_length_offset", "out of range");
        rejects(Map.of("package_length_offset", 70000), "package_length_offset", "out of range");
        rejects(Map.of("package_body_offset", -4), "package_body_offset", "out of range");
        rejects(Map.of("package_body_start", 3, "package_body_offset", 4), "package_body_start", "contradicts");
        rejects(Map.of("open_length_check", true, "package_length_offset", 2, "package_body_offset", 4),
                "package_body_offset", "inside the length field");
        rejects(Map.of("open_length_check", true, "package_body_offset", 100, "package_max_length", 64),
                "package_max_length", "shorter than the 100-byte header");
        rejects(Map.of("package_length_func", "strlen"), "package_length_func", "expected a");
    }

    @Test
    void rejectsBadTypesAndRanges() {
        rejects(Map.of("open_length_check", 1), "open_length_check", "expected a Boolean, got Integer 1");
        rejects(Map.of("open_eof_check", "yes"), "open_eof_check", "expected a Boolean");
        rejects(Map.of("package_max_length", 0), "package_max_length", "out of range");
        rejects(Map.of("package_max_length", 1L << 31), "package_max_length", "out of range");
        rejects(Map.of("package_max_length", 2.5), "package_max_length", "expected an integer");
        Map<String, Object> withNull = new HashMap<>();
        withNull.put("package_eof", null);
        rejects(withNull, "package_eof", "null");
    }

    @Test
    void rejectsTwoFramingModes() {
        rejects(Map.of("open_eof_check", true, "open_length_check", true), "open_length_check", "open_eof_check");
        rejects(Map.of("open_eof_split", true, "package_length_func", Packets.TYPE_LEN_FUNC),
                "package_length_func", "open_eof_split");
        rejects(Map.of("open_mqtt_protocol", true, "open_length_check", true), "open_mqtt_protocol",
                "open_length_check");
        rejects(Map.of("open_mqtt_protocol", true, "open_eof_check", true), "open_mqtt_protocol", "open_eof_check");
    }
}
