package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * {@code open_eof_split}: scans the buffered bytes for {@code package_eof} and emits exactly one packet per
 * message, the delimiter included (as Swoole's {@code onReceive} gets it). The scan resumes where the last one
 * stopped (minus {@code eof.length - 1} bytes, for a delimiter that straddles two reads), so a packet's bytes are
 * examined about once however it is fragmented.
 * A packet longer than {@code package_max_length} (delimiter included), or that many bytes without a delimiter,
 * is an error.
 */
final class EofSplitDecoder extends FrameDecoder {
    private final byte[] eof;
    /** Bytes at the start of the buffer (relative to the reader index) already known not to start a delimiter. */
    private int scanned;

    EofSplitDecoder(byte[] eof, int maxLength) {
        super(maxLength);
        this.eof = eof;
    }

    @Override
    void decodeFrames(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int readable = in.readableBytes();
        // a delimiter must end within the first maxLength bytes; look no further
        int limit = start + Math.min(readable, maxLength);
        int at = Eof.indexOf(in, start + scanned, limit, eof);
        if (at < 0) {
            if (readable >= maxLength) {
                throw fail(in, ErrorCode.PACKAGE_LENGTH_TOO_LARGE,
                        "package is too big: no package_eof in " + maxLength + " bytes (package_max_length)");
            }
            scanned = Math.max(0, readable - eof.length + 1);
            return;
        }
        scanned = 0;
        out.add(in.readRetainedSlice(at - start + eof.length));
    }
}
