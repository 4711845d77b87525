package io.jswoole.cli.bench;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of request {@code seq}: lowercase letters that shift with the sequence number, so that a reply
 * meant for another request (or a flipped byte) does not match, and no framing delimiter can occur inside.
 */
final class Payload {
    private static final byte[] LETTERS = "abcdefghijklmnopqrstuvwxyz".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private Payload() {
    }

    static void write(ByteBuf out, long seq, int length) {
        int start = (int) (seq % 26);
        for (int i = 0; i < length; i++) {
            out.writeByte(LETTERS[(start + i) % 26]);
        }
    }

    /** Whether {@code length} bytes of {@code in} from {@code index} are what {@link #write} wrote for seq. */
    static boolean matches(ByteBuf in, int index, long seq, int length) {
        if (in.writerIndex() - index < length) {
            return false;
        }
        int start = (int) (seq % 26);
        for (int i = 0; i < length; i++) {
            if (in.getByte(index + i) != LETTERS[(start + i) % 26]) {
                return false;
            }
        }
        return true;
    }
}
