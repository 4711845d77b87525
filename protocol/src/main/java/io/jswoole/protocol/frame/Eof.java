package io.jswoole.protocol.frame;

import io.netty.buffer.ByteBuf;

/** Delimiter matching shared by the two EOF decoders. */
final class Eof {
    private Eof() {
    }

    /**
     * Index of the first occurrence of {@code eof} that starts in {@code [from, to - eof.length]} of {@code buf}
     * (absolute indexes), or -1. Finds candidates by the first byte with Netty's vectorised
     * {@link ByteBuf#indexOf(int, int, byte)}, then compares the rest.
     */
    static int indexOf(ByteBuf buf, int from, int to, byte[] eof) {
        int last = to - eof.length;
        byte first = eof[0];
        int i = from;
        while (i <= last) {
            int hit = buf.indexOf(i, last + 1, first);
            if (hit < 0) {
                return -1;
            }
            if (matches(buf, hit, eof)) {
                return hit;
            }
            i = hit + 1;
        }
        return -1;
    }

    /** Whether {@code buf} holds {@code eof} at absolute index {@code at} (which must leave room for it). */
    static boolean matches(ByteBuf buf, int at, byte[] eof) {
        for (int k = 1; k < eof.length; k++) {
            if (buf.getByte(at + k) != eof[k]) {
                return false;
            }
        }
        return buf.getByte(at) == eof[0];
    }
}
