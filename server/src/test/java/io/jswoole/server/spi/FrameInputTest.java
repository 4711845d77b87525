package io.jswoole.server.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Frame fields read in place give back what {@code DataOutputStream} wrote, and a short frame is an EOF. */
class FrameInputTest {
    @Test
    void readsWhatDataOutputWrote() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeBoolean(true);
            out.writeByte(-2);
            out.writeShort(-3);
            out.writeChar('é');
            out.writeInt(0x12345678);
            out.writeLong(-5L);
            out.writeFloat(1.5f);
            out.writeDouble(2.25);
            out.writeUTF("héllo");
            Wire.writeString(out, "wire");
            out.writeByte(0xff);
        }
        FrameInput in = new FrameInput(ByteBuffer.wrap(bytes.toByteArray()));
        assertThat(in.readBoolean()).isTrue();
        assertThat(in.readByte()).isEqualTo((byte) -2);
        assertThat(in.readShort()).isEqualTo((short) -3);
        assertThat(in.readChar()).isEqualTo('é');
        assertThat(in.readInt()).isEqualTo(0x12345678);
        assertThat(in.readLong()).isEqualTo(-5L);
        assertThat(in.readFloat()).isEqualTo(1.5f);
        assertThat(in.readDouble()).isEqualTo(2.25);
        assertThat(in.readUTF()).isEqualTo("héllo");
        assertThat(Wire.readString(in)).isEqualTo("wire");
        assertThat(in.remaining()).isEqualTo(1);
        assertThat(in.readUnsignedByte()).isEqualTo(255);
        assertThat(in.remaining()).isZero();
    }

    @Test
    void aFieldPastTheFrameEndIsAnEofAndABadLengthIsRefused() {
        FrameInput in = new FrameInput(ByteBuffer.wrap(new byte[] {0, 0, 0}));
        assertThatThrownBy(in::readInt).isInstanceOf(EOFException.class);
        assertThat(in.remaining()).as("nothing consumed").isEqualTo(3);
        assertThatThrownBy(() -> in.readFully(new byte[4])).isInstanceOf(EOFException.class);
        FrameInput lying = new FrameInput(ByteBuffer.wrap(new byte[] {0, 0, 0, 9, 'a'}));
        assertThatThrownBy(() -> Wire.readBytes(lying)).isInstanceOf(IOException.class)
                .hasMessageContaining("bad length 9");
    }

    @Test
    void utfStringsAsciiOrNotAndCutShort() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF("GET");
            out.writeUTF("");
            out.writeUTF("a\u0000b"); // NUL is two bytes in modified UTF-8
            out.writeUTF("\u20ac");
        }
        byte[] all = bytes.toByteArray();
        FrameInput in = new FrameInput(ByteBuffer.wrap(all));
        assertThat(in.readUTF()).isEqualTo("GET");
        assertThat(in.readUTF()).isEmpty();
        assertThat(in.readUTF()).isEqualTo("a\u0000b");
        assertThat(in.readUTF()).isEqualTo("\u20ac");
        assertThat(in.remaining()).isZero();
        FrameInput cut = new FrameInput(ByteBuffer.wrap(all, 0, 4)); // "GET" needs 5 bytes
        assertThatThrownBy(cut::readUTF).isInstanceOf(EOFException.class);
        assertThatThrownBy(new FrameInput(ByteBuffer.wrap(new byte[1]))::readUTF).isInstanceOf(EOFException.class);
    }

    @Test
    void readLineFollowsDataInput() {
        FrameInput in = new FrameInput(ByteBuffer.wrap("a\nb\r\nc\rd".getBytes(StandardCharsets.ISO_8859_1)));
        assertThat(in.readLine()).isEqualTo("a");
        assertThat(in.readLine()).isEqualTo("b");
        assertThat(in.readLine()).isEqualTo("c");
        assertThat(in.readLine()).isEqualTo("d");
        assertThat(in.readLine()).isNull();
        assertThat(in.skipBytes(5)).isZero();
    }
}
