package io.jswoole.http;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body as it arrives ({@link Request#body()}): an {@link InputStream} whose reads park the calling
 * coroutine until bytes come, the body ends ({@code -1}) or the request is cut off (an {@link IOException}: the
 * client reset its HTTP/2 stream, the connection closed, or no byte came for {@code http_body_timeout}).
 * <p>Back-pressure: the connection's event loop queues what it decoded here, and what the handler has not read
 * holds the client back. HTTP/1.1 stops reading the socket while more than {@link #HIGH_WATER} bytes wait (and reads
 * again below {@link #LOW_WATER}); HTTP/2 gives the stream's window back ({@code WINDOW_UPDATE}) only for bytes the
 * handler has read, so at most {@code http2_initial_window_size} bytes of a stream wait. A body the handler has not
 * read when its response ends is discarded as it comes.
 * <p>For a request that was not streamed the same object reads the buffered body. One reader at a time.
 */
public final class RequestBody extends InputStream {
    /** HTTP/1.1: reading the socket stops while this many bytes wait for the handler... */
    public static final int HIGH_WATER = 256 * 1024;
    /** ...and starts again once they are down to this many. */
    public static final int LOW_WATER = 64 * 1024;

    /** Where bytes the handler took are reported: the connection's event loop gives the client room again. */
    interface Flow {
        void consumed(int n);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final Flow flow;
    private final long idleNanos;
    private final boolean streaming;
    /** Read bytes not yet reported to the flow (at most {@link #REPORT_AT}, and none while the queue is empty). */
    private int unreported;
    private static final int REPORT_AT = 32 * 1024;
    private int pos;
    private long queued, maxQueued, received, read;
    private boolean ended, abandoned, abortedLate;
    private IOException failure;
    private List<Runnable> onAbort;

    private RequestBody(Flow flow, long idleMillis, boolean streaming) {
        this.flow = flow;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        this.streaming = streaming;
    }

    /** A body still arriving; {@code idleMillis} (0: none) is how long a read waits for the next byte. */
    static RequestBody streaming(Flow flow, long idleMillis) {
        return new RequestBody(flow, idleMillis, true);
    }

    /** The body of a request that was read whole. */
    static RequestBody of(byte[] body) {
        RequestBody b = new RequestBody(n -> { }, 0, false);
        if (body.length > 0) {
            b.chunks.add(body);
            b.queued = body.length;
            b.received = body.length;
        }
        b.ended = true;
        return b;
    }

    /** Whether this body is read as it arrives (the request matched {@code HttpServer.streamBody}). */
    public boolean isStreaming() {
        return streaming;
    }

    // ---- the event loop's side

    /** This body as the event loop feeds it. */
    IncomingBody feed() {
        return feed;
    }

    private final IncomingBody feed = new IncomingBody() {
        @Override
        public RequestBody reader() {
            return RequestBody.this;
        }

        @Override
        public long offer(byte[] b) {
            return RequestBody.this.offer(b);
        }

        @Override
        public void end() {
            RequestBody.this.end();
        }

        @Override
        public void fail(String why) {
            RequestBody.this.fail(why);
        }

        @Override
        public void aborted(String why) {
            RequestBody.this.aborted(why);
        }

        @Override
        public void abandon() {
            RequestBody.this.abandon();
        }

        @Override
        public boolean isComplete() {
            return RequestBody.this.isComplete();
        }
    };

    /** Bytes decoded for this body; returns the bytes now waiting, or -1 when they were dropped (abandoned). */
    long offer(byte[] b) {
        lock.lock();
        try {
            if (abandoned || failure != null) {
                return -1;
            }
            received += b.length;
            if (b.length > 0) {
                chunks.add(b);
                queued += b.length;
                maxQueued = Math.max(maxQueued, queued);
                changed.signalAll();
            }
            return queued;
        } finally {
            lock.unlock();
        }
    }

    /** The last byte arrived. */
    void end() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The request was cut off before its body ended (reset, connection closed): reads fail with {@code why}. */
    void fail(String why) {
        List<Runnable> hooks;
        lock.lock();
        try {
            if (failure != null || ended && abandoned) {
                return;
            }
            failure = new IOException(why);
            chunks.clear();
            queued = 0;
            changed.signalAll();
            hooks = onAbort;
            onAbort = null;
        } finally {
            lock.unlock();
        }
        runAll(hooks);
    }

    /**
     * The stream was reset or the connection lost after the body ended (the response was still running):
     * the abort hooks run, reads are unaffected.
     */
    void aborted(String why) {
        lock.lock();
        boolean open = !ended;
        lock.unlock();
        if (open) {
            fail(why);
            return;
        }
        List<Runnable> hooks;
        lock.lock();
        try {
            if (abandoned) {
                return;
            }
            abortedLate = true;
            hooks = onAbort;
            onAbort = null;
        } finally {
            lock.unlock();
        }
        runAll(hooks);
    }

    private static void runAll(List<Runnable> hooks) {
        if (hooks != null) {
            for (Runnable r : hooks) {
                r.run();
            }
        }
    }

    /** The response ended: what the handler did not read is dropped, and so is what still comes. */
    void abandon() {
        int give;
        lock.lock();
        try {
            abandoned = true;
            give = (int) Math.min(Integer.MAX_VALUE, queued + unreported);
            unreported = 0;
            chunks.clear();
            queued = 0;
            pos = 0;
            onAbort = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (give > 0 && streaming) {
            flow.consumed(give);
        }
    }

    boolean isAbandoned() {
        lock.lock();
        try {
            return abandoned;
        } finally {
            lock.unlock();
        }
    }

    // ---- the handler's side

    /**
     * Runs {@code r} once if the request is cut off (HTTP/2 RST_STREAM from the client, the connection closed)
     * before its response ended: at once when that happened already. It runs on the connection's event loop and
     * must not block.
     */
    public void onAbort(Runnable r) {
        lock.lock();
        try {
            if (failure == null && !abortedLate && !abandoned) {
                if (onAbort == null) {
                    onAbort = new ArrayList<>(2);
                }
                onAbort.add(r);
                return;
            }
            if (abandoned) {
                return;
            }
        } finally {
            lock.unlock();
        }
        r.run();
    }

    /** Whether the request was cut off (see {@link #onAbort}). */
    public boolean isAborted() {
        lock.lock();
        try {
            return failure != null || abortedLate;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int taken = 0, freed = 0;
        lock.lock();
        try {
            long waitFrom = System.nanoTime();
            while (chunks.isEmpty()) {
                if (ended && failure == null || abandoned) {
                    return -1;
                }
                if (failure != null) {
                    throw new IOException(failure.getMessage(), failure);
                }
                if (idleNanos <= 0) {
                    changed.awaitUninterruptibly();
                } else {
                    long left = idleNanos - (System.nanoTime() - waitFrom);
                    if (left <= 0) {
                        throw new IOException("no body bytes for " + TimeUnit.NANOSECONDS.toMillis(idleNanos)
                                + " ms (http_body_timeout)");
                    }
                    try {
                        changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted while reading the request body");
                    }
                }
            }
            while (taken < len && !chunks.isEmpty()) {
                byte[] head = chunks.peek();
                int n = Math.min(len - taken, head.length - pos);
                System.arraycopy(head, pos, b, off + taken, n);
                taken += n;
                pos += n;
                if (pos == head.length) {
                    chunks.poll();
                    pos = 0;
                    queued -= head.length;
                    freed += head.length;
                }
            }
            read += taken;
            // reported in batches, and always once the queue is empty: a reader about to wait has given back all
            unreported += freed;
            freed = 0;
            if (unreported >= REPORT_AT || chunks.isEmpty()) {
                freed = unreported;
                unreported = 0;
            }
        } finally {
            lock.unlock();
        }
        if (freed > 0 && streaming) {
            flow.consumed(freed);
        }
        return taken;
    }

    /** Bytes that can be read now without waiting. */
    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queued - pos);
        } finally {
            lock.unlock();
        }
    }

    /** Bytes of the body that reached the server so far. */
    public long received() {
        lock.lock();
        try {
            return received;
        } finally {
            lock.unlock();
        }
    }

    /** The most bytes that ever waited here for the handler: what back-pressure bounded. */
    public long maxBuffered() {
        lock.lock();
        try {
            return maxQueued;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the last byte arrived (the body may still have bytes to read). */
    public boolean isComplete() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    /** The handler is done with the body: the rest is discarded as it comes. */
    @Override
    public void close() {
        abandon();
    }
}
