package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.log.Log;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * {@link CoSystem#waitEvent}: one JDK selector on a thread of its own for every waiting coroutine of the JVM; a
 * ready channel settles its waiter. The channel must be non-blocking while it is registered, so a blocking one is
 * switched for the wait and back after it.
 */
final class EventWait {
    static final int READ = 512;
    static final int WRITE = 1024;
    private static Selector selector;

    private EventWait() {
    }

    private static synchronized Selector selector() throws IOException {
        if (selector == null) {
            Selector s = Selector.open();
            Thread.ofPlatform().daemon().name("jswoole-wait-event").start(() -> select(s));
            selector = s;
        }
        return selector;
    }

    private static void select(Selector s) {
        while (true) {
            try {
                s.select();
                for (SelectionKey k : s.selectedKeys()) {
                    if (k.isValid() && k.attachment() instanceof Waiter w) {
                        int ready = k.readyOps();
                        w.item = ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 ? READ : 0)
                                | ((ready & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 ? WRITE : 0);
                        k.interestOps(0);
                        w.wake(Waiter.OK);
                    }
                }
                s.selectedKeys().clear();
            } catch (IOException | RuntimeException e) {
                Log.error("CoSystem.waitEvent: the selector failed", e);
            }
        }
    }

    static int waitEvent(SelectableChannel ch, int events, double timeout) throws IOException {
        if ((events & (READ | WRITE)) == 0 || (events & ~(READ | WRITE)) != 0) {
            throw new IllegalArgumentException("waitEvent: invalid events " + events);
        }
        int valid = ch.validOps();
        int ops = ((events & READ) != 0 ? valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT) : 0)
                | ((events & WRITE) != 0 ? valid & SelectionKey.OP_WRITE : 0);
        if (ops == 0) {
            throw new IllegalArgumentException("waitEvent: " + ch + " has none of the events " + events);
        }
        Waiter w = new Waiter(Coroutine.currentOrNull());
        boolean wasBlocking;
        Selector s = selector();
        SelectionKey key;
        awaitDeregistered(ch, s); // the key of an earlier wait may still be leaving
        synchronized (ch.blockingLock()) {
            wasBlocking = ch.isBlocking();
            ch.configureBlocking(false);
            key = ch.register(s, ops, w);
        }
        s.wakeup();
        int r;
        try {
            r = Waiter.await(w, Channel.nanos(timeout));
        } finally {
            key.cancel();
            awaitDeregistered(ch, s);
            if (wasBlocking) {
                ch.configureBlocking(true);
            }
        }
        if (r == Waiter.CANCELED) {
            throw new SwooleException(ErrorCode.CO_CANCELED, "canceled");
        }
        return r == Waiter.OK ? (Integer) w.item : 0;
    }

    /** A cancelled key leaves at the selector's next round; until then the channel cannot block or register again. */
    private static void awaitDeregistered(SelectableChannel ch, Selector s) throws IOException {
        long end = System.nanoTime() + 5_000_000_000L;
        SelectionKey k;
        while (ch.isOpen() && (k = ch.keyFor(s)) != null && !k.isValid()) {
            if (System.nanoTime() > end) {
                throw new IOException("waitEvent: the channel's previous wait did not end");
            }
            s.wakeup();
            Coroutine.sleep(0.001);
        }
    }
}
