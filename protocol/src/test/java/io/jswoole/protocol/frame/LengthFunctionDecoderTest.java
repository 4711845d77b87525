package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LengthFunctionDecoderTest {

    private static FrameSpec spec(PackageLengthFunction f, int max) {
        return FrameSpec.from(Map.of("package_length_func", f, "package_max_length", max));
    }

    @Test
    void framesByTheFunctionsAnswer() {
        byte[] a = Packets.typeLen(1, "hello".getBytes(StandardCharsets.US_ASCII));
        byte[] b = Packets.typeLen(2, new byte[0]);
        try (Harness h = new Harness(spec(Packets.TYPE_LEN_FUNC, 1024))) {
            assertThat(h.feedBytewise(Packets.concat(a, b, a))).containsExactly(a, b, a);
            assertThat(h.feed(Packets.concat(a, b, a), 4, 9)).containsExactly(a, b, a);
        }
    }

    @Test
    void seesAReadOnlyViewOfTheBufferedBytesFromThePacketStart() {
        List<Integer> seen = new ArrayList<>();
        PackageLengthFunction f = data -> {
            assertThat(data.isReadOnly()).isTrue();
            assertThat(data.position()).isZero();
            assertThatThrownBy(() -> data.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
            seen.add(data.remaining());
            return Packets.TYPE_LEN_FUNC.packageLength(data);
        };
        byte[] p = Packets.typeLen(7, new byte[4]);
        try (Harness h = new Harness(spec(f, 1024))) {
            assertThat(h.feed(Packets.concat(p, p), 1, 2, 8, 9)).containsExactly(p, p);
        }
        // asked on each arrival until it answers, then not until the packet is out; then again for the byte left
        // over, which the next packet's view starts with
        assertThat(seen).containsExactly(1, 2, 8, 1, 2, 7);
    }

    @Test
    void minusOneClosesAsProtocolError() {
        try (Harness h = new Harness(spec(Packets.TYPE_LEN_FUNC, 1024))) {
            assertThatThrownBy(() -> h.write(new byte[]{(byte) 0xFF, 0, 0}))
                    .isInstanceOfSatisfying(FrameException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.PROTOCOL_ERROR));
            assertThat(h.write(Packets.typeLen(1, new byte[1]))).isEmpty();
        }
    }

    @Test
    void anExceptionFromTheFunctionIsAProtocolError() {
        PackageLengthFunction f = data -> {
            throw new IllegalStateException("boom");
        };
        try (Harness h = new Harness(spec(f, 1024))) {
            assertThatThrownBy(() -> h.write(new byte[]{1}))
                    .isInstanceOf(FrameException.class)
                    .hasMessageContaining("boom")
                    .hasCauseInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void answerPastMaxLengthFailsBeforeBuffering() {
        try (Harness h = new Harness(spec(data -> Integer.MAX_VALUE, 64 * 1024))) {
            assertThatThrownBy(() -> h.write(new byte[]{1}))
                    .isInstanceOfSatisfying(FrameException.class,
                            e -> assertThat(e.error()).isEqualTo(ErrorCode.PACKAGE_LENGTH_TOO_LARGE));
            assertThat(h.decoder.bufferCapacity()).isZero();
        }
    }

    @Test
    void needMoreUntilMaxLengthFails() {
        List<Integer> seen = new ArrayList<>();
        PackageLengthFunction never = (ByteBuffer data) -> {
            seen.add(data.remaining());
            return 0;
        };
        try (Harness h = new Harness(spec(never, 10))) {
            assertThat(h.write(new byte[9])).isEmpty();
            assertThatThrownBy(() -> h.write(new byte[5]))
                    .isInstanceOf(FrameException.class).hasMessageContaining("no length in 10 bytes");
        }
        assertThat(seen).containsExactly(9, 10);
    }
}
