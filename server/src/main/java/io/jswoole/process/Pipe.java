package io.jswoole.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pipe between a parent and its child process: one connected Unix-domain stream socket, used either as a byte
 * stream ({@link Process#PIPE_TYPE_STREAM}) or as messages ({@link Process#PIPE_TYPE_DGRAM}: each {@code write} is
 * one {@code read} on the other side, as Swoole's SOCK_DGRAM socketpair gives). The JDK has no Unix datagram
 * sockets, so a message is a 4-byte length and its bytes; a message longer than {@link #MAX_MESSAGE} is refused on
 * write and, from a peer that sends one anyway, closes the pipe (nothing is allocated for it).
 * <p>The channel stays in blocking mode: on a virtual thread (a coroutine) a read or write parks only that thread,
 * on a platform thread it blocks it. Reads and writes may happen at the same time from different threads; two
 * writers never interleave a message.
 */
final class Pipe implements AutoCloseable {
    /** Swoole's {@code max_package_size} default for a pool's pipes (2 MiB); the cap of one message. */
    static final int MAX_MESSAGE = 2 * 1024 * 1024;
    /** Room for a pool's own header before a message (a destination, a connection id). */
    static final int HEADROOM = 16;

    private final SocketChannel channel;
    private final boolean datagram;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock readLock = new ReentrantLock();

    Pipe(SocketChannel channel, int type) {
        this.channel = channel;
        this.datagram = type == Process.PIPE_TYPE_DGRAM;
    }

    SocketChannel channel() {
        return channel;
    }

    boolean datagram() {
        return datagram;
    }

    /** Writes all of {@code data} (one message on a datagram pipe); returns its length. */
    int write(byte[] data, int off, int len) throws IOException {
        if (datagram && len > MAX_MESSAGE + HEADROOM) {
            throw new IllegalArgumentException("a pipe message is at most " + MAX_MESSAGE + " bytes, got " + len);
        }
        writeLock.lock();
        try {
            ByteBuffer body = ByteBuffer.wrap(data, off, len);
            if (datagram) {
                ByteBuffer head = ByteBuffer.allocate(4).putInt(0, len);
                ByteBuffer[] both = {head, body};
                while (body.hasRemaining() || head.hasRemaining()) {
                    channel.write(both);
                }
            } else {
                while (body.hasRemaining()) {
                    channel.write(body);
                }
            }
            return len;
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Up to {@code size} bytes: on a stream pipe what has arrived (waiting for at least one byte), on a datagram pipe
     * the next message (the part past {@code size} is dropped, as a datagram read drops it). Null at end of stream.
     */
    byte[] read(int size) throws IOException {
        if (size <= 0) {
            throw new IllegalArgumentException("read size must be positive, got " + size);
        }
        readLock.lock();
        try {
            if (!datagram) {
                ByteBuffer buf = ByteBuffer.allocate(Math.min(size, 1 << 20));
                int n = channel.read(buf);
                return n < 0 ? null : Arrays.copyOf(buf.array(), n);
            }
            ByteBuffer head = ByteBuffer.allocate(4);
            if (!readFully(head)) {
                return null;
            }
            int len = head.getInt(0);
            if (len < 0 || len > MAX_MESSAGE + HEADROOM) {
                channel.close();
                throw new IOException("pipe message of " + len + " bytes (the cap is " + MAX_MESSAGE
                        + "): the pipe is closed");
            }
            ByteBuffer body = ByteBuffer.allocate(len);
            if (!readFully(body)) {
                return null;
            }
            return len <= size ? body.array() : Arrays.copyOf(body.array(), size);
        } finally {
            readLock.unlock();
        }
    }

    private boolean readFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Shuts one direction down: {@link Process#PIPE_READ}, {@link Process#PIPE_WRITE}, or 0 closes both. */
    void close(int which) throws IOException {
        if (which == Process.PIPE_READ) {
            channel.shutdownInput();
        } else if (which == Process.PIPE_WRITE) {
            channel.shutdownOutput();
        } else {
            channel.close();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** The pipe as a child's standard input ({@code redirect_stdin_stdout}); only sensible on a stream pipe. */
    InputStream in() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                byte[] got = Pipe.this.read(len);
                if (got == null) {
                    return -1;
                }
                System.arraycopy(got, 0, b, off, got.length);
                return got.length;
            }
        };
    }

    /** The pipe as a child's standard output. */
    OutputStream out() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                Pipe.this.write(b, off, len);
            }
        };
    }
}
