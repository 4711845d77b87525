package io.jswoole.cli.bench;

import io.netty.buffer.ByteBuf;

/** Where a RESP2 or RESP3 value ends, aggregates included, without allocating. */
final class Resp {
    private static final int MAX_DEPTH = 64;

    private Resp() {
    }

    /**
     * The index just past the value that starts at {@code at}: 0 when more bytes are needed, -1 when the bytes
     * are not RESP.
     */
    static int end(ByteBuf in, int at, int depth) {
        if (at >= in.writerIndex()) {
            return 0;
        }
        if (depth > MAX_DEPTH) {
            return -1;
        }
        int eol = in.indexOf(at, in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            return in.writerIndex() - at > 65536 ? -1 : 0;
        }
        if (eol == at || in.getByte(eol - 1) != '\r') {
            return -1;
        }
        byte type = in.getByte(at);
        return switch (type) {
            case '+', '-', ':', '_', ',', '#', '(' -> eol + 1;
            case '$', '!', '=' -> blob(in, at, eol);
            case '*', '~', '>' -> aggregate(in, at, eol, 1, depth);
            case '%', '|' -> aggregate(in, at, eol, 2, depth);
            default -> -1;
        };
    }

    private static long number(ByteBuf in, int from, int eol) {
        long n = 0;
        boolean negative = in.getByte(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= eol - 1) {
            return Long.MIN_VALUE;
        }
        for (; i < eol - 1; i++) {
            int d = in.getByte(i) - '0';
            if (d < 0 || d > 9 || n > Integer.MAX_VALUE) {
                return Long.MIN_VALUE;
            }
            n = n * 10 + d;
        }
        return negative ? -n : n;
    }

    private static int blob(ByteBuf in, int at, int eol) {
        long len = number(in, at + 1, eol);
        if (len == -1) {
            return eol + 1; // RESP2 nil
        }
        if (len < 0) {
            return -1;
        }
        long end = eol + 1 + len + 2;
        if (end > in.writerIndex()) {
            return 0;
        }
        return in.getByte((int) end - 2) == '\r' && in.getByte((int) end - 1) == '\n' ? (int) end : -1;
    }

    private static int aggregate(ByteBuf in, int at, int eol, int perItem, int depth) {
        long count = number(in, at + 1, eol);
        if (count == -1) {
            return eol + 1; // nil array
        }
        if (count < 0) {
            return -1;
        }
        int i = eol + 1;
        for (long k = 0; k < count * perItem; k++) {
            i = end(in, i, depth + 1);
            if (i <= 0) {
                return i;
            }
        }
        return i;
    }
}
