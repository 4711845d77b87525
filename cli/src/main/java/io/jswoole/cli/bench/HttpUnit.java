package io.jswoole.cli.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.netty.buffer.ByteBuf;

/**
 * {@code http}: HTTP/1.1 keep-alive requests ({@code --method}, {@code --path}, {@code -H}), pipelined with
 * {@code -P}. A {@code POST} or {@code PUT} carries a body of {@code -l} bytes; with {@code --verify} its reply
 * must carry the same body back (an echo endpoint, such as {@code /echo} of {@code ./jswoole run http-hello}).
 * A status outside 2xx is always an error, counted by status. Replies are cut by {@code Content-Length} or by
 * chunked transfer coding; a reply with neither (read until close) is a protocol error, since it cannot be
 * pipelined.
 */
final class HttpUnit implements Unit {
    private static final byte[] CRLF2 = {'\r', '\n', '\r', '\n'};
    private final byte[] head;
    private final int bodySize;
    private final Payload body;

    HttpUnit(UnitConfig config) {
        String method = config.method().toUpperCase(java.util.Locale.ROOT);
        boolean body = method.equals("POST") || method.equals("PUT");
        this.bodySize = body ? config.payloadSize() : 0;
        this.body = new Payload(bodySize);
        StringBuilder sb = new StringBuilder().append(method).append(' ').append(config.path())
                .append(" HTTP/1.1\r\nHost: ").append(config.target().authority()).append("\r\n");
        for (String h : config.headers()) {
            sb.append(h).append("\r\n");
        }
        if (body) {
            sb.append("Content-Length: ").append(bodySize).append("\r\n");
        }
        this.head = sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void writeRequest(ByteBuf out, long seq) {
        out.writeBytes(head);
        body.write(out, seq);
    }

    @Override
    public int replyLength(ByteBuf in) {
        return length(in, in.readerIndex());
    }

    /** The length of the HTTP response at {@code start}: see {@link Unit#replyLength}. */
    static int length(ByteBuf in, int start) {
        int end = headEnd(in, start);
        if (end == -1) {
            return in.writerIndex() - start > 65536 ? -1 : 0;
        }
        int status = status(in, start);
        if (status < 0) {
            return -1;
        }
        if (status < 200 && status != 101 || status == 204 || status == 304) {
            return end - start;
        }
        String headers = in.toString(start, end - start, StandardCharsets.ISO_8859_1)
                .toLowerCase(java.util.Locale.ROOT);
        if (headers.contains("\r\ntransfer-encoding:") && headers.contains("chunked")) {
            return chunked(in, start, end);
        }
        int cl = headers.indexOf("\r\ncontent-length:");
        if (cl < 0) {
            return status == 101 ? end - start : -1;
        }
        int eol = headers.indexOf("\r\n", cl + 2);
        long length;
        try {
            length = Long.parseLong(headers.substring(cl + 17, eol).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
        if (length < 0 || length > Integer.MAX_VALUE - (end - start)) {
            return -1;
        }
        int total = (int) (end - start + length);
        return in.writerIndex() - start >= total ? total : 0;
    }

    /** The index just past the blank line that ends the head, or -1. */
    private static int headEnd(ByteBuf in, int start) {
        int limit = in.writerIndex();
        for (int i = in.indexOf(start, limit, (byte) '\r'); i >= 0 && i + 4 <= limit;
             i = in.indexOf(i + 1, limit, (byte) '\r')) {
            if (in.getByte(i + 1) == CRLF2[1] && in.getByte(i + 2) == CRLF2[2] && in.getByte(i + 3) == CRLF2[3]) {
                return i + 4;
            }
        }
        return -1;
    }

    /** The status code of {@code HTTP/1.x NNN ...} at {@code start}, or -1. */
    static int status(ByteBuf in, int start) {
        if (in.writerIndex() - start < 12 || in.getByte(start) != 'H' || in.getByte(start + 4) != '/'
                || in.getByte(start + 8) != ' ') {
            return -1;
        }
        int s = 0;
        for (int i = 9; i < 12; i++) {
            int d = in.getByte(start + i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            s = s * 10 + d;
        }
        return s;
    }

    /** The length of a chunked response whose head ends at {@code end}: walks the chunk sizes. */
    private static int chunked(ByteBuf in, int start, int end) {
        int i = end;
        while (true) {
            int eol = in.indexOf(i, in.writerIndex(), (byte) '\n');
            if (eol < 0) {
                return 0;
            }
            long size = 0;
            int digits = 0;
            for (int k = i; k < eol; k++) {
                int d = Character.digit(in.getByte(k), 16);
                if (d < 0) {
                    break;
                }
                size = size * 16 + d;
                if (++digits > 8) {
                    return -1;
                }
            }
            if (digits == 0) {
                return -1;
            }
            i = eol + 1;
            if (size == 0) {
                int h = headEnd(in, i - 2); // the last chunk, then trailers and a blank line
                return h < 0 ? 0 : h - start;
            }
            i += (int) size + 2;
            if (i > in.writerIndex()) {
                return 0;
            }
        }
    }

    @Override
    public String check(ByteBuf reply, long seq, boolean verify) {
        int status = status(reply, reply.readerIndex());
        if (status < 200 || status > 299) {
            return "status " + status;
        }
        if (!verify || bodySize == 0) {
            return null;
        }
        int end = headEnd(reply, reply.readerIndex());
        boolean same = reply.writerIndex() - end == bodySize && body.matches(reply, end, seq);
        return same ? null : CONTENT_MISMATCH;
    }

    @Override
    public List<String> alpn() {
        return List.of("http/1.1");
    }
}
