package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * {@code open_eof_check} without split: buffers until the received data ends with {@code package_eof}, then emits
 * everything buffered as one message, which may hold several glued packets (as in Swoole, only the end of the data
 * is compared, which is cheap).
 * <p>No message is longer than {@code package_max_length}: when the buffered data reaches it (or a single read
 * brings more), the decoder emits the longest prefix that ends with the delimiter and fits, and fails only when
 * that prefix has no delimiter at all, which is Swoole's "package is too big" close.
 */
final class EofCheckDecoder extends FrameDecoder {
    private final byte[] eof;

    EofCheckDecoder(byte[] eof, int maxLength) {
        super(maxLength);
        this.eof = eof;
    }

    @Override
    void decodeFrames(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        if (readable < eof.length) {
            return;
        }
        if (readable <= maxLength && Eof.matches(in, in.writerIndex() - eof.length, eof)) {
            out.add(in.readRetainedSlice(readable));
            return;
        }
        if (readable < maxLength) {
            return;
        }
        int end = lastEnd(in, start, start + maxLength);
        if (end < 0) {
            throw fail(in, ErrorCode.PACKAGE_LENGTH_TOO_LARGE,
                    "package is too big: no package_eof in " + maxLength + " bytes (package_max_length)");
        }
        out.add(in.readRetainedSlice(end - start));
    }

    /** The end index of the last delimiter lying wholly in {@code [from, to)}, or -1. */
    private int lastEnd(ByteBuf in, int from, int to) {
        for (int at = to - eof.length; at >= from; at--) {
            if (Eof.matches(in, at, eof)) {
                return at + eof.length;
            }
        }
        return -1;
    }
}
