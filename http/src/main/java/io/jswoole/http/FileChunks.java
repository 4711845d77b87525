package io.jswoole.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * The next piece of a file being sent, for HTTP/1.1 over TLS and HTTP/2 alike: at most 64 KiB read at a time, the
 * next read once the last is written, so a client that does not read holds one piece, not the file.
 */
final class FileChunks {
    static final int CHUNK = 64 * 1024;

    private FileChunks() {
    }

    /**
     * Reads up to {@link #CHUNK} bytes of {@code fc} at {@code pos}, before {@code end}, into a new buffer.
     *
     * @throws IOException when the file cannot be read or ends before {@code end} (the buffer is released)
     */
    static ByteBuf read(ByteBufAllocator alloc, FileChannel fc, long pos, long end) throws IOException {
        int n = (int) Math.min(CHUNK, end - pos);
        ByteBuf b = alloc.directBuffer(n);
        try {
            if (b.writeBytes(fc, pos, n) <= 0) {
                throw new IOException("the file is shorter than the response says");
            }
            return b;
        } catch (IOException e) {
            b.release();
            throw e;
        }
    }
}
