package io.jswoole.server.spi;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * The fields of one IPC frame, read in place from the buffer it arrived in (big-endian, as {@code DataOutput} wrote
 * them). A {@code DataInputStream} over the same bytes costs a stream call and a small array copy per field; this
 * reads each field straight from the buffer. Reading past the frame's end throws {@link EOFException}.
 */
public final class FrameInput implements DataInput {
    private final ByteBuffer b;

    /** Reads {@code frame} from its position to its limit; the reads move its position. */
    public FrameInput(ByteBuffer frame) {
        this.b = frame.order(java.nio.ByteOrder.BIG_ENDIAN);
    }

    /** Bytes left in the frame. */
    public int remaining() {
        return b.remaining();
    }

    private void need(int n) throws EOFException {
        if (b.remaining() < n) {
            throw new EOFException("frame ends " + (n - b.remaining()) + " bytes early");
        }
    }

    @Override
    public void readFully(byte[] dst) throws IOException {
        readFully(dst, 0, dst.length);
    }

    @Override
    public void readFully(byte[] dst, int off, int len) throws IOException {
        need(len);
        b.get(dst, off, len);
    }

    @Override
    public int skipBytes(int n) {
        int k = Math.max(0, Math.min(n, b.remaining()));
        b.position(b.position() + k);
        return k;
    }

    @Override
    public boolean readBoolean() throws IOException {
        return readByte() != 0;
    }

    @Override
    public byte readByte() throws IOException {
        try {
            return b.get();
        } catch (BufferUnderflowException e) {
            throw new EOFException("frame ended");
        }
    }

    @Override
    public int readUnsignedByte() throws IOException {
        return readByte() & 0xff;
    }

    @Override
    public short readShort() throws IOException {
        need(2);
        return b.getShort();
    }

    @Override
    public int readUnsignedShort() throws IOException {
        return readShort() & 0xffff;
    }

    @Override
    public char readChar() throws IOException {
        need(2);
        return b.getChar();
    }

    @Override
    public int readInt() throws IOException {
        need(4);
        return b.getInt();
    }

    @Override
    public long readLong() throws IOException {
        need(8);
        return b.getLong();
    }

    @Override
    public float readFloat() throws IOException {
        need(4);
        return b.getFloat();
    }

    @Override
    public double readDouble() throws IOException {
        need(8);
        return b.getDouble();
    }

    /** {@link DataInput#readLine}: bytes as Latin-1 up to "\n", "\r" or "\r\n"; null at the frame's end. */
    @Override
    public String readLine() {
        if (!b.hasRemaining()) {
            return null;
        }
        StringBuilder line = new StringBuilder();
        while (b.hasRemaining()) {
            char c = (char) (b.get() & 0xff);
            if (c == '\n') {
                break;
            }
            if (c == '\r') {
                if (b.hasRemaining() && b.get(b.position()) == '\n') {
                    b.get();
                }
                break;
            }
            line.append(c);
        }
        return line.toString();
    }

    /** ASCII (the common case) is read in place; anything else, and a short frame (EOF), as DataInputStream does. */
    @Override
    public String readUTF() throws IOException {
        if (b.remaining() >= 2) {
            int n = b.getShort(b.position()) & 0xffff;
            int from = b.position() + 2;
            if (b.remaining() - 2 >= n && ascii(from, n)) {
                byte[] bytes = new byte[n];
                b.get(from, bytes);
                b.position(from + n);
                return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            }
        }
        return DataInputStream.readUTF(this);
    }

    /** Whether the {@code n} bytes at {@code from} are 1..127, which stand for themselves in modified UTF-8. */
    private boolean ascii(int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (b.get(i) <= 0) {
                return false;
            }
        }
        return true;
    }
}
