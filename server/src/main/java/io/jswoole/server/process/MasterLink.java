package io.jswoole.server.process;

import io.jswoole.log.Log;
import io.jswoole.server.spi.FrameInput;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A worker JVM's end of its Unix socket to the master (PROCESS mode): one thread that waits on the socket, reads
 * its frames, runs the tasks it is given and writes every frame queued during a round with one write.
 * It is an {@link Executor}: when the worker's coroutines run on it (the default), a message goes from the socket
 * to its callback and the callback's answer back to the socket without changing threads.
 * <p>Plain JDK NIO rather than a Netty event loop: a replacement worker JVM starts without initialising Netty's
 * transport, which cost about 230 ms of its start (measured, BENCHMARKS.md).
 */
final class MasterLink implements Executor {
    private static final int MAX_READS_PER_ROUND = 16;
    private static final int MAX_TASKS_PER_ROUND = 4096;
    private static final int READ_BUFFER = 64 * 1024;
    private static final int WRITE_BUFFER = 256 * 1024;
    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<ByteBuffer> outbox = new ConcurrentLinkedQueue<>();
    /** Frames taken from the outbox and not yet copied whole into {@link #out} (loop thread only). */
    private final ArrayDeque<ByteBuffer> unwritten = new ArrayDeque<>();
    /**
     * Bytes on their way to the socket, in write mode (position = bytes waiting): frames are copied here and go out
     * in one write. A direct buffer: the JDK would otherwise copy each heap frame into a temporary one of its own.
     */
    private final ByteBuffer out = ByteBuffer.allocateDirect(WRITE_BUFFER);
    private final AtomicBoolean wakeupSent = new AtomicBoolean();
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Set while the loop waits in select: only then does a new task or frame need a wakeup. */
    private volatile boolean selecting;
    private volatile boolean drained = true;
    /** False once the socket to the master ended. */
    private volatile boolean open = true;
    private SocketChannel channel;
    private SelectionKey key;
    private Ipc.FrameHandler handler;
    private ByteBuffer in = ByteBuffer.allocate(READ_BUFFER);

    /**
     * Starts the link's thread (for the life of the JVM); it runs tasks at once and reads frames once
     * {@link #connect} is done.
     */
    MasterLink(String threadName) throws IOException {
        selector = Selector.open();
        thread = Thread.ofPlatform().daemon().name(threadName).start(this::loop);
    }

    /** Connects to the master's socket at {@code path}; {@code frames} gets every frame, on the link's thread. */
    void connect(String path, Ipc.FrameHandler frames) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(path));
        ch.configureBlocking(false);
        execute(() -> {
            try {
                handler = frames;
                channel = ch;
                key = ch.register(selector, SelectionKey.OP_READ);
            } catch (IOException e) {
                fail(e);
            }
        });
    }

    @Override
    public void execute(Runnable task) {
        tasks.add(task);
        wake();
    }

    /** Queues {@code frame} for the master; never blocks. */
    void send(ByteBuffer frame) {
        outbox.add(frame);
        wake();
    }

    /** True on the link's thread itself (not in a coroutine that it carries). */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /** Returns when the link ends: the master went away or sent a corrupt frame. */
    void awaitClosed() {
        while (true) {
            try {
                closed.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting: only the link's end releases the worker's main thread
            }
        }
    }

    /** Waits (at most {@code millis}) until the frames queued so far have been written: before the JVM halts. */
    void flush(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        wake();
        while (open && (!outbox.isEmpty() || !drained) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Before the JVM exits: writes what is queued, ends the output and waits (at most {@code millis} in all)
     * until the master has closed its end, reading whatever it still sent. A process that exits with unread
     * input resets the socket, and the master could then lose the last frames this JVM wrote (task results, the
     * tasks a retiring task worker still runs).
     */
    void close(long millis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        flush(millis);
        execute(() -> {
            try {
                if (channel != null) {
                    channel.shutdownOutput();
                }
            } catch (IOException e) {
                closeChannel();
            }
        });
        try {
            closed.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void wake() {
        if (selecting && wakeupSent.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    private void loop() {
        // runs for the life of the JVM: after the link ends the tasks still run (workerStop, the last coroutines)
        while (true) {
            try {
                selecting = true;
                // checked after announcing the select: a task added now either is seen here or wakes the select
                if (tasks.isEmpty() && outbox.isEmpty()) {
                    selector.select();
                } else {
                    selector.selectNow();
                }
                selecting = false;
                wakeupSent.set(false);
                if (key != null && key.isValid() && !selector.selectedKeys().isEmpty()) {
                    selector.selectedKeys().clear();
                    if (key.isReadable()) {
                        read();
                    }
                }
                runTasks();
                if (open) {
                    write();
                }
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
    }

    private void runTasks() {
        for (int i = 0; i < MAX_TASKS_PER_ROUND; i++) {
            Runnable t = tasks.poll();
            if (t == null) {
                return;
            }
            try {
                t.run();
            } catch (RuntimeException e) {
                Log.error(thread.getName() + ": a task failed", e);
            }
        }
    }

    /** Reads what the socket has (a few reads at most, so tasks are not starved) and hands over whole frames. */
    private void read() throws IOException {
        for (int r = 0; r < MAX_READS_PER_ROUND; r++) {
            int n = channel.read(in);
            if (n < 0) {
                closeChannel();
                return;
            }
            if (n == 0) {
                return;
            }
            in.flip();
            while (in.remaining() >= 4) {
                int len = in.getInt(in.position());
                if (len < 1 || len > Ipc.MAX_FRAME) {
                    throw new IOException("corrupt IPC frame length " + len);
                }
                if (in.remaining() < 4 + len) {
                    if (in.capacity() < 4 + len) {
                        ByteBuffer bigger = ByteBuffer.allocate(Math.max(4 + len, in.capacity() * 2));
                        bigger.put(in);
                        in = bigger.flip();
                    }
                    break;
                }
                in.getInt();
                byte type = in.get();
                // the handler reads the body in place (it copies what it keeps) before the buffer moves on
                ByteBuffer body = in.slice(in.position(), len - 1);
                in.position(in.position() + len - 1);
                handler.handle(type, new FrameInput(body));
            }
            in.compact();
            // a large frame grew the buffer: give the memory back once it has been handled (not while the next
            // frame, already started, needs the room)
            if (in.capacity() > READ_BUFFER && (in.position() < 4 || 4 + in.getInt(0) <= READ_BUFFER)) {
                in = ByteBuffer.allocate(READ_BUFFER).put(in.flip());
            }
        }
    }

    /**
     * Writes the queued frames, copied into {@link #out} (a frame larger than it goes in parts), one write per
     * buffer-full; what the socket does not take waits for OP_WRITE.
     */
    private void write() throws IOException {
        ByteBuffer f;
        while ((f = outbox.poll()) != null) {
            unwritten.add(f);
        }
        if (channel == null) {
            drained = unwritten.isEmpty();
            return;
        }
        while (true) {
            while (out.hasRemaining() && (f = unwritten.peekFirst()) != null) {
                int n = Math.min(out.remaining(), f.remaining());
                out.put(out.position(), f, f.position(), n);
                out.position(out.position() + n);
                f.position(f.position() + n);
                if (!f.hasRemaining()) {
                    unwritten.pollFirst();
                }
            }
            if (out.position() == 0) {
                break;
            }
            out.flip();
            channel.write(out);
            boolean all = !out.hasRemaining();
            out.compact();
            if (!all) {
                break;
            }
        }
        drained = unwritten.isEmpty() && out.position() == 0;
        key.interestOps(drained ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    private void fail(Exception e) {
        if (open) {
            Log.error("link to the master failed: " + e.getMessage());
        }
        closeChannel();
    }

    private void closeChannel() {
        open = false;
        drained = true;
        outbox.clear();
        unwritten.clear();
        out.clear();
        try {
            if (channel != null) {
                key.cancel();
                channel.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        channel = null;
        key = null;
        closed.countDown();
    }
}
