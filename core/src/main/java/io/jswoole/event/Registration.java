package io.jswoole.event;

import io.jswoole.log.Log;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One channel in a {@link Loop}: its callbacks, the events asked for, which callbacks are running, and what
 * {@link Event#write} has queued. Guarded by its own monitor: the selector thread, the loop's carrier and any
 * caller of the API touch it.
 * <p>A callback of a channel never overlaps itself: while one runs (or its coroutine waits), the channel's interest
 * in that event is off, and it comes back when the callback returns. That keeps Swoole's level-triggered meaning
 * (a callback that leaves data unread is called again) without a thread hop reporting the same readiness twice.
 */
final class Registration {
    final SelectableChannel channel;
    final Loop loop;
    SelectionKey key;
    Event.Handler<SelectableChannel> onRead;
    Event.Handler<SelectableChannel> onWrite;
    int events;
    private boolean readBusy;
    private boolean writeBusy;
    private boolean removed;
    private boolean overflowLogged;
    private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
    private long queued;

    Registration(SelectableChannel channel, Loop loop, Event.Handler<SelectableChannel> onRead,
            Event.Handler<SelectableChannel> onWrite, int events) {
        this.channel = channel;
        this.loop = loop;
        this.onRead = onRead;
        this.onWrite = onWrite;
        this.events = events;
    }

    /** The selection interest for the state now. */
    synchronized int interest() {
        if (removed) {
            return 0;
        }
        int valid = channel.validOps();
        int ops = 0;
        if ((events & Event.READ) != 0 && !readBusy) {
            ops |= valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (!writeBusy && (queued > 0 || (events & Event.WRITE) != 0)) {
            ops |= valid & SelectionKey.OP_WRITE;
        }
        return ops;
    }

    /** Applies {@link #interest()} to the key, waking the selector when interest was added. */
    void update() {
        SelectionKey k;
        int ops;
        synchronized (this) {
            k = key;
            ops = interest();
        }
        if (k == null || !k.isValid()) {
            return;
        }
        try {
            int old = k.interestOps();
            if (old != ops) {
                k.interestOps(ops);
                if ((ops & ~old) != 0) {
                    loop.wakeup();
                }
            }
        } catch (java.nio.channels.CancelledKeyException e) {
            // deleted or closed meanwhile
        }
    }

    /** On the selector thread: the events of {@code readyOps} to hand over now (each is then busy). */
    synchronized int take(int readyOps) {
        if (removed) {
            return 0;
        }
        int ev = 0;
        if ((readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && (events & Event.READ) != 0
                && !readBusy) {
            readBusy = true;
            ev |= Event.READ;
        }
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && !writeBusy && (queued > 0 || (events & Event.WRITE) != 0)) {
            writeBusy = true;
            ev |= Event.WRITE;
        }
        return ev;
    }

    synchronized boolean removed() {
        return removed;
    }

    /** Marks this registration gone and drops its queued output; false when it was gone already. */
    synchronized boolean remove() {
        if (removed) {
            return false;
        }
        removed = true;
        out.clear();
        queued = 0;
        return true;
    }

    /** The read callback's coroutine body (the loop's carrier). */
    void runRead() {
        Event.Handler<SelectableChannel> h;
        synchronized (this) {
            h = removed ? null : onRead;
        }
        try {
            if (h != null) {
                h.handle(channel);
            }
        } catch (Throwable t) {
            Log.warning("Event: onRead callback handler error, " + Event.describe(channel)
                    + " will be removed from the loop", t);
            loop.remove(this);
        } finally {
            synchronized (this) {
                readBusy = false;
            }
            update();
        }
    }

    /** The write callback's coroutine body (the loop's carrier). */
    void runWrite() {
        Event.Handler<SelectableChannel> h;
        synchronized (this) {
            h = removed ? null : onWrite;
        }
        try {
            if (h != null) {
                h.handle(channel);
            }
        } catch (Throwable t) {
            Log.warning("Event: onWrite callback handler error, " + Event.describe(channel)
                    + " will be removed from the loop", t);
            loop.remove(this);
        } finally {
            synchronized (this) {
                writeBusy = false;
            }
            update();
        }
    }

    /**
     * On the carrier, when the channel is writable: flushes what {@link #write} queued, then, once nothing is left
     * and the write event was asked for, answers true (the write callback should run; the event stays busy).
     */
    boolean writable() {
        boolean callback;
        try {
            synchronized (this) {
                flush();
                callback = queued == 0 && (events & Event.WRITE) != 0 && onWrite != null && !removed;
                if (!callback) {
                    writeBusy = false;
                }
            }
        } catch (IOException e) {
            Log.warning("Event: write to " + Event.describe(channel) + " failed (" + e.getMessage()
                    + "), it is removed from the loop");
            loop.remove(this);
            return false;
        }
        if (!callback) {
            update();
        }
        return callback;
    }

    private void flush() throws IOException {
        WritableByteChannel w = (WritableByteChannel) channel;
        while (!out.isEmpty()) {
            ByteBuffer b = out.peek();
            queued -= w.write(b);
            if (b.hasRemaining()) {
                return;
            }
            out.poll();
        }
        overflowLogged = false;
    }

    /**
     * {@link Event#write}: written at once as far as the socket takes it, the rest queued and flushed when the
     * channel is writable. A write that would take the queue past {@code limit} is refused whole (Swoole's
     * "output buffer overflow"), so what one slow reader holds stays bounded.
     *
     * @return 1 written or queued, 0 refused for the limit, -1 the channel failed (and was removed)
     */
    int write(byte[] data, long limit) {
        try {
            synchronized (this) {
                if (removed) {
                    return -1;
                }
                if (queued + data.length > limit) {
                    if (!overflowLogged) {
                        overflowLogged = true;
                        Log.warning("Event.write: " + Event.describe(channel) + " output buffer overflow ("
                                + queued + " bytes queued, limit " + limit + "); the write is refused");
                    }
                    return 0;
                }
                int written = 0;
                if (queued == 0 && !writeBusy) {
                    written = ((WritableByteChannel) channel).write(ByteBuffer.wrap(data));
                }
                if (written < data.length) {
                    out.add(ByteBuffer.wrap(Arrays.copyOfRange(data, written, data.length)));
                    queued += data.length - written;
                } else {
                    return 1;
                }
            }
        } catch (IOException e) {
            Log.warning("Event.write: " + Event.describe(channel) + " failed (" + e.getMessage()
                    + "), it is removed from the loop");
            loop.remove(this);
            return -1;
        }
        update();
        return 1;
    }

    synchronized long queued() {
        return queued;
    }
}
