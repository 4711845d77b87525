package io.jswoole.server.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UTFDataFormatException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** {@link FrameOutput} writes byte for byte what {@code DataOutputStream} writes, and hands its bytes over whole. */
class FrameOutputTest {
    private static void fields(DataOutput out, long seed, String s, byte[] raw) throws IOException {
        out.writeBoolean(seed % 2 == 0);
        out.writeByte((int) seed);
        out.writeShort((int) (seed >> 3));
        out.writeChar((int) (seed >> 5));
        out.writeInt((int) (seed >> 7));
        out.writeLong(seed);
        out.writeFloat(seed / 3f);
        out.writeDouble(seed / 7.0);
        out.writeUTF(s);
        out.writeBytes(s);
        out.writeChars(s);
        out.write(raw);
        out.write(raw, raw.length / 3, raw.length / 2);
        Wire.writeString(out, s);
        Wire.writeBytes(out, raw);
    }

    @Property(tries = 300)
    void sameBytesAsDataOutputStream(@ForAll long seed, @ForAll @StringLength(max = 300) String s,
            @ForAll byte[] raw) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(expected)) {
            fields(out, seed, s, raw);
        }
        FrameOutput out = new FrameOutput(1); // grows from its smallest size
        fields(out, seed, s, raw);
        ByteBuffer b = out.toBuffer();
        byte[] got = new byte[b.remaining()];
        b.get(got);
        assertThat(got).isEqualTo(expected.toByteArray());
        assertThat(out.toByteArray()).isEqualTo(expected.toByteArray());
    }

    @Test
    void readBackByFrameInput() throws IOException {
        FrameOutput out = new FrameOutput(16);
        out.writeInt(0);
        out.writeUTF("h\u00e9llo \u0000 \u20ac \ud83d\ude00");
        out.write(ByteBuffer.wrap(new byte[] {9, 8, 7}, 1, 2));
        out.setInt(0, out.size() - 4);
        FrameInput in = new FrameInput(out.toBuffer());
        assertThat(in.readInt()).isEqualTo(in.remaining());
        assertThat(in.readUTF()).isEqualTo("h\u00e9llo \u0000 \u20ac \ud83d\ude00");
        assertThat(in.readByte()).isEqualTo((byte) 8);
        assertThat(in.readByte()).isEqualTo((byte) 7);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void writesTheReadableBytesOfHeapDirectAndCompositeBuffers() {
        ByteBuf heap = Unpooled.wrappedBuffer(new byte[] {0, 1, 2, 3}).skipBytes(1);
        ByteBuf direct = Unpooled.directBuffer().writeBytes(new byte[] {4, 5});
        ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(new byte[] {6}),
                Unpooled.wrappedBuffer(new byte[] {7, 8}));
        FrameOutput out = new FrameOutput(16);
        for (ByteBuf b : new ByteBuf[] {heap, direct, composite}) {
            int index = b.readerIndex();
            out.write(b);
            assertThat(b.readerIndex()).as("indexes left alone").isEqualTo(index);
            b.release();
        }
        assertThat(out.toByteArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void refusesWhatDataOutputStreamRefuses() {
        FrameOutput out = new FrameOutput(16);
        char[] big = new char[30_000];
        Arrays.fill(big, '\u00e9'); // two bytes each: 60,000 bytes fit
        assertThat(catchUtf(out, new String(big))).isNull();
        Arrays.fill(big, '\u20ac'); // three bytes each: 90,000 bytes do not
        assertThat(catchUtf(out, new String(big))).isInstanceOf(UTFDataFormatException.class);
        assertThatThrownBy(() -> out.setInt(out.size() - 3, 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static Throwable catchUtf(FrameOutput out, String s) {
        try {
            out.writeUTF(s);
            return null;
        } catch (UTFDataFormatException e) {
            return e;
        }
    }

    @Test
    void aBufferWithMuchUnusedRoomIsTrimmed() {
        FrameOutput out = new FrameOutput(64 * 1024);
        out.writeInt(7);
        ByteBuffer b = out.toBuffer();
        assertThat(b.remaining()).isEqualTo(4);
        assertThat(b.array().length).as("the 64 KB array is not held by a 4-byte frame").isEqualTo(4);
    }
}
