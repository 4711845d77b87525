package io.jswoole.process;

import io.jswoole.log.Log;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Predicate;

/**
 * The pipe of a user process added with {@code Server.addProcess}, Swoole's {@code $process->write()} in a worker
 * and {@code $process->read()} in the process: what any worker or task worker writes (in this JVM or a worker
 * JVM) reaches the process's JVM through the server's links, one message per write, in order per writer. The
 * process's side keeps at most {@link #CAPACITY} unread messages; past that a message is dropped with a warning,
 * so a process that never reads costs bounded memory.
 */
final class ServerPipe {
    static final int CAPACITY = 1024;

    /** The server's way to the process (false when a message cannot arrive). */
    private final Predicate<byte[]> writer;
    private final int index;
    /** The process's side: what arrived and was not read yet; null in the JVMs that write. */
    private volatile LinkedBlockingQueue<byte[]> inbox;
    private volatile boolean warned;

    /** {@code inProcess}: this JVM is the process's own, which reads; the others write. */
    ServerPipe(int index, Predicate<byte[]> writer, boolean inProcess) {
        this.index = index;
        this.writer = writer;
        this.inbox = inProcess ? new LinkedBlockingQueue<>(CAPACITY) : null;
    }

    boolean isProcessSide() {
        return inbox != null;
    }

    /**
     * A worker's write: false when it cannot arrive (the server is not serving, or 1,024 writes already wait for a
     * process that is starting or being replaced).
     */
    boolean write(byte[] data) {
        return writer.test(data);
    }

    /** A message arrived (on the link's reader thread). */
    void arrived(byte[] data) {
        LinkedBlockingQueue<byte[]> q = inbox;
        if (q != null && !q.offer(data) && !warned) {
            warned = true;
            Log.warning("user process #" + index + ": " + CAPACITY + " pipe messages unread; dropping what comes "
                    + "until it reads");
        } else if (q != null && warned && q.remainingCapacity() > CAPACITY / 2) {
            warned = false;
        }
    }

    /** The next message, cut at {@code size}; waits (parking only the calling coroutine) until one comes. */
    byte[] read(int size) throws java.io.InterruptedIOException {
        byte[] m;
        try {
            m = inbox.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("read interrupted");
        }
        return m.length <= size ? m : java.util.Arrays.copyOf(m, size);
    }
}
