package io.jswoole.redis;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a client's bytes into commands as redis-server does (networking.c): a multibulk ({@code *N} then N
 * {@code $len} bulks) or an inline command (a line of words, quotes allowed). Every complete command of a read is
 * emitted, as a {@code List<byte[]>} (the name first). Counts and lengths are checked before anything is
 * allocated: a command is bounded by {@code maxLength} bytes (the port's {@code package_max_length}), a bulk too,
 * a count by 1,048,576 arguments, a count or length line and an inline command by 64 KiB. A protocol error is
 * emitted once as a {@link ProtocolError} with Redis's own text; then the rest of the input is ignored, and the
 * connection is closed after the reply.
 *
 * <p>Netty's {@code RedisDecoder} is not used: it accepts any RESP type where a server must take only commands,
 * sizes an array's list by the count the client sends before any element arrives, and has other error texts than
 * the ones Redis's own protocol tests expect.
 */
final class CommandDecoder extends ByteToMessageDecoder {
    /** redis-server's PROTO_INLINE_MAX_SIZE. */
    static final int INLINE_MAX = 64 * 1024;
    /** The most arguments a command may have (redis-server refuses larger counts: "invalid multibulk length"). */
    static final int MAX_ARGS = 1024 * 1024;

    /** A request that breaks the protocol: the error to answer, after which the connection closes. */
    record ProtocolError(String message) {
    }

    private final long maxLength;
    /** The command being read: its arguments so far, how many are still to come, its bytes so far. */
    private List<byte[]> argv;
    private int remaining;
    private long size;
    /** The length of the bulk being read, or -1 before its {@code $} line. */
    private long bulkLength = -1;
    private boolean failed;

    CommandDecoder(long maxLength) {
        this.maxLength = maxLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (!failed && in.isReadable()) {
            Object next = argv != null ? multibulk(in) : in.getByte(in.readerIndex()) == '*' ? start(in) : inline(in);
            if (next == null) {
                return; // more bytes needed
            }
            if (next != SKIP) {
                out.add(next);
            }
        }
        if (failed) {
            in.skipBytes(in.readableBytes());
        }
    }

    private static final Object SKIP = new Object();

    private Object fail(String message) {
        failed = true;
        argv = null;
        return new ProtocolError("ERR Protocol error: " + message);
    }

    /** The {@code *N} line: a new command of N arguments. */
    private Object start(ByteBuf in) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
        if (eol < 0) {
            return in.readableBytes() > INLINE_MAX ? fail("too big mbulk count string") : null;
        }
        if (eol + 1 >= in.writerIndex()) {
            return null; // the LF has not come yet
        }
        long count = number(in, in.readerIndex() + 1, eol);
        in.readerIndex(eol + 2);
        if (count == Long.MIN_VALUE || count > MAX_ARGS) {
            return fail("invalid multibulk length");
        }
        if (count <= 0) {
            return SKIP; // "*0" and "*-1": nothing to do, as in redis-server
        }
        argv = new ArrayList<>((int) Math.min(count, 16));
        remaining = (int) count;
        size = 0;
        bulkLength = -1;
        return multibulk(in);
    }

    /** The bulks of the command being read; the command once its last bulk is in. */
    private Object multibulk(ByteBuf in) {
        while (remaining > 0) {
            if (bulkLength < 0) {
                if (!in.isReadable()) {
                    return null;
                }
                int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\r');
                if (eol < 0) {
                    return in.readableBytes() > INLINE_MAX ? fail("too big bulk count string") : null;
                }
                byte type = in.getByte(in.readerIndex());
                if (type != '$') {
                    return fail("expected '$', got '" + (char) (type & 0xff) + "'");
                }
                if (eol + 1 >= in.writerIndex()) {
                    return null;
                }
                long len = number(in, in.readerIndex() + 1, eol);
                if (len == Long.MIN_VALUE || len < 0 || len > maxLength) {
                    return fail("invalid bulk length");
                }
                if (size + len > maxLength) {
                    return fail("command over package_max_length (" + maxLength + " bytes)");
                }
                in.readerIndex(eol + 2);
                bulkLength = len;
            }
            if (in.readableBytes() < bulkLength + 2) {
                return null;
            }
            byte[] arg = new byte[(int) bulkLength];
            in.readBytes(arg);
            if (in.readByte() != '\r' || in.readByte() != '\n') {
                return fail("expected CRLF after a bulk of " + bulkLength + " bytes");
            }
            argv.add(arg);
            size += bulkLength;
            bulkLength = -1;
            remaining--;
        }
        List<byte[]> command = argv;
        argv = null;
        return command;
    }

    /** An inline command: one line of words; an empty line is skipped. */
    private Object inline(ByteBuf in) {
        int eol = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        if (eol < 0) {
            return in.readableBytes() > INLINE_MAX ? fail("too big inline request") : null;
        }
        int end = eol > in.readerIndex() && in.getByte(eol - 1) == '\r' ? eol - 1 : eol;
        byte[] line = new byte[end - in.readerIndex()];
        in.getBytes(in.readerIndex(), line);
        in.readerIndex(eol + 1);
        List<byte[]> words = splitArgs(line);
        if (words == null) {
            return fail("unbalanced quotes in request");
        }
        return words.isEmpty() ? SKIP : words;
    }

    /** A decimal between {@code from} and {@code to}, or Long.MIN_VALUE when it is not one. */
    private static long number(ByteBuf in, int from, int to) {
        if (from >= to || to - from > 19) {
            return Long.MIN_VALUE;
        }
        boolean negative = in.getByte(from) == '-';
        int i = negative ? from + 1 : from;
        if (i >= to) {
            return Long.MIN_VALUE;
        }
        long n = 0;
        for (; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                return Long.MIN_VALUE;
            }
            n = n * 10 + (b - '0');
        }
        return negative ? -n : n;
    }

    /**
     * redis-server's {@code sdssplitargs}: words split by blanks; "double quotes" with \n \r \t \b \a \\ \" and
     * \xHH escapes, 'single quotes' with \' only; a closing quote must be followed by a blank. Null for unbalanced
     * quotes.
     */
    static List<byte[]> splitArgs(byte[] line) {
        List<byte[]> out = new ArrayList<>();
        int i = 0, n = line.length;
        java.io.ByteArrayOutputStream word = new java.io.ByteArrayOutputStream();
        while (true) {
            while (i < n && isBlank(line[i])) {
                i++;
            }
            if (i >= n) {
                return out;
            }
            word.reset();
            boolean dq = false, sq = false;
            while (true) {
                if (dq) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 3 < n && line[i + 1] == 'x' && hex(line[i + 2]) >= 0 && hex(line[i + 3]) >= 0) {
                        word.write(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                        i += 3;
                    } else if (c == '\\' && i + 1 < n) {
                        i++;
                        word.write(switch (line[i]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> line[i];
                        });
                    } else if (c == '"') {
                        if (i + 1 < n && !isBlank(line[i + 1])) {
                            return null; // closing quote must be followed by a space or nothing
                        }
                        dq = false;
                        i++;
                        break;
                    } else {
                        word.write(c);
                    }
                } else if (sq) {
                    if (i >= n) {
                        return null;
                    }
                    byte c = line[i];
                    if (c == '\\' && i + 1 < n && line[i + 1] == '\'') {
                        i++;
                        word.write('\'');
                    } else if (c == '\'') {
                        if (i + 1 < n && !isBlank(line[i + 1])) {
                            return null;
                        }
                        sq = false;
                        i++;
                        break;
                    } else {
                        word.write(c);
                    }
                } else {
                    if (i >= n || isBlank(line[i])) {
                        break;
                    }
                    byte c = line[i];
                    if (c == '"') {
                        dq = true;
                    } else if (c == '\'') {
                        sq = true;
                    } else {
                        word.write(c);
                    }
                }
                i++;
            }
            out.add(word.toByteArray());
        }
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0;
    }

    private static int hex(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F'
                ? c - 'A' + 10 : -1;
    }
}
