package io.jswoole.server.spi;

import io.netty.buffer.ByteBuf;
import java.io.DataOutput;
import java.io.UTFDataFormatException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The fields of one IPC frame as they are written: big-endian, byte for byte what {@code DataOutputStream} writes
 * (so {@link FrameInput} reads them back), into one growable array, without the stream's locks or a call through
 * an output stream per field. {@link #toBuffer} hands the bytes over without a copy.
 */
public final class FrameOutput implements DataOutput {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private byte[] buf;
    private int size;

    /** An empty output with room for {@code capacity} bytes before it grows. */
    public FrameOutput(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    /** Bytes written so far. */
    public int size() {
        return size;
    }

    /** Overwrites the four bytes at {@code index} (already written) with {@code v}: a length known at the end. */
    public void setInt(int index, int v) {
        if (index < 0 || index + 4 > size) {
            throw new IndexOutOfBoundsException("int at " + index + " of " + size + " bytes");
        }
        INT.set(buf, index, v);
    }

    /**
     * The bytes written, as a buffer from 0 to {@link #size} over this output's array (not copied, unless the
     * array has much more room than it holds); write nothing more after this.
     */
    public ByteBuffer toBuffer() {
        int slack = buf.length - size;
        byte[] b = slack > 1024 && slack > size / 4 ? Arrays.copyOf(buf, size) : buf;
        return ByteBuffer.wrap(b, 0, size);
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private int reserve(int n) {
        int at = size;
        if (at + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, at + n));
        }
        size = at + n;
        return at;
    }

    @Override
    public void write(int b) {
        int at = reserve(1); // before reading buf: reserve may replace it
        buf[at] = (byte) b;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int at = reserve(len);
        System.arraycopy(b, off, buf, at, len);
    }

    /** Writes the bytes of {@code b} from its position to its limit, leaving its position where it was. */
    public void write(ByteBuffer b) {
        int n = b.remaining();
        int at = reserve(n);
        b.get(b.position(), buf, at, n);
    }

    /** Writes the readable bytes of {@code b} (heap, direct or composite), leaving its indexes where they were. */
    public void write(ByteBuf b) {
        int n = b.readableBytes();
        int at = reserve(n);
        b.getBytes(b.readerIndex(), buf, at, n);
    }

    @Override
    public void writeBoolean(boolean v) {
        write(v ? 1 : 0);
    }

    @Override
    public void writeByte(int v) {
        write(v);
    }

    @Override
    public void writeShort(int v) {
        int at = reserve(2);
        SHORT.set(buf, at, (short) v);
    }

    @Override
    public void writeChar(int v) {
        writeShort(v);
    }

    @Override
    public void writeInt(int v) {
        int at = reserve(4);
        INT.set(buf, at, v);
    }

    @Override
    public void writeLong(long v) {
        int at = reserve(8);
        LONG.set(buf, at, v);
    }

    @Override
    public void writeFloat(float v) {
        writeInt(Float.floatToIntBits(v));
    }

    @Override
    public void writeDouble(double v) {
        writeLong(Double.doubleToLongBits(v));
    }

    /** The low byte of each char, as {@code DataOutputStream.writeBytes} does. */
    @Override
    public void writeBytes(String s) {
        int at = reserve(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[at + i] = (byte) s.charAt(i);
        }
    }

    @Override
    public void writeChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            writeChar(s.charAt(i));
        }
    }

    /** Modified UTF-8 after a two-byte length, as {@code DataOutputStream.writeUTF}; at most 65535 bytes. */
    @Override
    public void writeUTF(String s) throws UTFDataFormatException {
        int n = s.length();
        long len = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || c == 0) {
                len += c >= 0x800 ? 2 : 1;
            }
        }
        if (len > 65535) {
            throw new UTFDataFormatException("encoded string too long: " + len + " bytes");
        }
        int at = reserve(2 + (int) len);
        SHORT.set(buf, at, (short) len);
        at += 2;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != 0 && c < 0x80) {
                buf[at++] = (byte) c;
            } else if (c < 0x800) {
                buf[at++] = (byte) (0xC0 | (c >> 6));
                buf[at++] = (byte) (0x80 | (c & 0x3F));
            } else {
                buf[at++] = (byte) (0xE0 | (c >> 12));
                buf[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[at++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }
}
