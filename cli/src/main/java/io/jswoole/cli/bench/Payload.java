package io.jswoole.cli.bench;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of request {@code seq}: {@code size} lowercase letters starting at the letter {@code seq % 26}, so
 * that a reply meant for another request (or a flipped byte) does not match, and no framing delimiter can occur
 * inside. Written and compared in bulk, from one pattern per size.
 */
final class Payload {
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);
    private final int size;
    private final byte[] pattern;

    Payload(int size) {
        this.size = size;
        this.pattern = new byte[size + 26];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) ('a' + i % 26);
        }
    }

    int size() {
        return size;
    }

    void write(ByteBuf out, long seq) {
        out.writeBytes(pattern, (int) (seq % 26), size);
    }

    /** The payload of {@code seq}, as a copy (to be masked, say). */
    byte[] copy(long seq) {
        int start = (int) (seq % 26);
        return Arrays.copyOfRange(pattern, start, start + size);
    }

    /** Whether the {@code size} bytes of {@code in} from {@code index} are what {@link #write} wrote for seq. */
    boolean matches(ByteBuf in, int index, long seq) {
        if (in.writerIndex() - index < size) {
            return false;
        }
        byte[] scratch = SCRATCH.get();
        if (scratch.length < size) {
            scratch = new byte[Integer.highestOneBit(size) << 1];
            SCRATCH.set(scratch);
        }
        in.getBytes(index, scratch, 0, size);
        int start = (int) (seq % 26);
        return Arrays.equals(scratch, 0, size, pattern, start, start + size);
    }
}
