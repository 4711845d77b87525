package io.jswoole.event;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.WritableByteChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code Swoole\Event}: add a JDK {@link SelectableChannel} ({@code SocketChannel}, {@code ServerSocketChannel},
 * {@code DatagramChannel}, a {@code Pipe}'s ends, the pipe of an {@code io.jswoole.process.Process}) to the event
 * loop of the calling worker, and its callbacks run as that worker's coroutines, one at a time per channel and
 * event, again as long as the channel stays ready (level-triggered, as Swoole's epoll).
 * <pre>{@code
 * server.onWorkerStart((srv, id) -> {
 *     if (id != 0) return;
 *     ServerSocketChannel admin = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 8081));
 *     Event.add(admin, l -> {
 *         SocketChannel c = l.accept();
 *         Event.add(c, s -> { ... s.read(buf) ...; Event.write(s, "hello".getBytes()); });
 *     });
 * });
 * }</pre>
 * <p>The loop is the one of {@link Scheduler#current()}: in a server callback, the worker's (BASE, THREAD, and a
 * PROCESS worker JVM alike); in {@code Coroutine.run}, that run's, which then lasts until every channel is
 * deleted; elsewhere the main scheduler's, which a script runs with {@link #await()}. {@code add} makes the channel
 * non-blocking (as Swoole's {@code add} makes the fd): read and write it without blocking in the callbacks.
 * <p>Errors are Swoole's: a warning line with its message and {@code false} ({@link LastError} set).
 */
public final class Event {
    /** {@code SWOOLE_EVENT_READ}. */
    public static final int READ = 512;
    /** {@code SWOOLE_EVENT_WRITE}. */
    public static final int WRITE = 1024;
    /** The default cap of what {@link #write} queues per channel: Swoole's {@code socket_buffer_size}, 8 MiB. */
    public static final int DEFAULT_BUFFER_SIZE = 8 * 1024 * 1024;

    private static final Map<SelectableChannel, Registration> ALL = new ConcurrentHashMap<>();
    private static volatile long bufferSize = DEFAULT_BUFFER_SIZE;

    /** A readiness callback: gets the channel (as Swoole passes the socket). */
    @FunctionalInterface
    public interface Handler<C extends SelectableChannel> {
        void handle(C channel) throws Exception;
    }

    private Event() {
    }

    /** {@code add(socket, onRead)} for {@link #READ}. */
    public static <C extends SelectableChannel> boolean add(C channel, Handler<? super C> onRead) {
        return add(channel, onRead, null, READ);
    }

    /** {@code add(socket, onRead, onWrite)}: {@link #READ}, plus {@link #WRITE} when {@code onWrite} is given. */
    public static <C extends SelectableChannel> boolean add(C channel, Handler<? super C> onRead,
            Handler<? super C> onWrite) {
        return add(channel, onRead, onWrite, (onRead != null ? READ : 0) | (onWrite != null ? WRITE : 0));
    }

    /**
     * {@code add(socket, onRead, onWrite, events)}: watches {@code events} ({@link #READ}, {@link #WRITE} or
     * both) of {@code channel} in the calling worker's loop. A server socket's {@link #READ} is "a connection to
     * accept". False, with Swoole's warning, when both callbacks are null, the channel is closed or already in a
     * loop, or the events are not ones the channel has.
     */
    @SuppressWarnings("unchecked")
    public static <C extends SelectableChannel> boolean add(C channel, Handler<? super C> onRead,
            Handler<? super C> onWrite, int events) {
        if (onRead == null && onWrite == null) {
            return fail("Event::add(): both read and write callbacks are empty");
        }
        if (channel == null) {
            return fail("Event::add(): unknown fd type");
        }
        if (!channel.isOpen()) {
            return fail("Event::add(): swoole_event_add failed: " + describe(channel) + " is closed");
        }
        if (ALL.containsKey(channel)) {
            return fail("Event::add(): already exist");
        }
        String bad = checkEvents(channel, events, onRead, onWrite);
        if (bad != null) {
            return fail("Event::add(): " + bad);
        }
        Loop loop = Loop.of(Scheduler.current());
        Registration r = new Registration(channel, loop, (Handler<SelectableChannel>) onRead,
                (Handler<SelectableChannel>) onWrite, events);
        if (ALL.putIfAbsent(channel, r) != null) {
            return fail("Event::add(): already exist");
        }
        try {
            loop.add(r);
        } catch (IOException | RuntimeException e) {
            ALL.remove(channel, r);
            return fail("Event::add(): swoole_event_add failed: " + describe(channel) + ": " + e);
        }
        return true;
    }

    /**
     * {@code set(socket, onRead, onWrite, events)}: a non-null callback replaces the one in place (null keeps
     * it, as in Swoole); {@code events} replaces the events watched.
     */
    @SuppressWarnings("unchecked")
    public static <C extends SelectableChannel> boolean set(C channel, Handler<? super C> onRead,
            Handler<? super C> onWrite, int events) {
        Registration r = channel == null ? null : ALL.get(channel);
        if (r == null) {
            return fail("Event::set(): socket[" + describe(channel) + "] is not found in the reactor");
        }
        synchronized (r) {
            Handler<SelectableChannel> read = onRead != null ? (Handler<SelectableChannel>) onRead : r.onRead;
            Handler<SelectableChannel> write = onWrite != null ? (Handler<SelectableChannel>) onWrite : r.onWrite;
            String bad = checkEvents(channel, events, read, write);
            if (bad != null) {
                return fail("Event::set(): " + bad);
            }
            r.onRead = read;
            r.onWrite = write;
            r.events = events;
        }
        r.update();
        return true;
    }

    /** {@code set(socket, onRead, onWrite)}: replaces the non-null callbacks, keeps the events. */
    public static <C extends SelectableChannel> boolean set(C channel, Handler<? super C> onRead,
            Handler<? super C> onWrite) {
        Registration r = channel == null ? null : ALL.get(channel);
        int events;
        if (r == null) {
            events = READ;
        } else {
            synchronized (r) {
                events = r.events;
            }
        }
        return set(channel, onRead, onWrite, events);
    }

    /** {@code del(socket)}: the channel leaves its loop (call it before closing the channel); false if not in one. */
    public static boolean del(SelectableChannel channel) {
        Registration r = channel == null ? null : ALL.get(channel);
        if (r == null) {
            return LastError.fail(ErrorCode.INVALID_PARAMS);
        }
        return r.loop.remove(r);
    }

    /** {@code isset(socket, events)}: whether the channel is in a loop watching any of {@code events}. */
    public static boolean isset(SelectableChannel channel, int events) {
        Registration r = channel == null ? null : ALL.get(channel);
        if (r == null || r.removed() || !channel.isOpen()) {
            return false;
        }
        synchronized (r) {
            return (r.events & events) != 0;
        }
    }

    /** {@code isset(socket)}: for {@link #READ} or {@link #WRITE}. */
    public static boolean isset(SelectableChannel channel) {
        return isset(channel, READ | WRITE);
    }

    /**
     * {@code write(socket, data)}: writes what the socket takes now and queues the rest, flushed by the loop when
     * the socket is writable; the write callback (if any) runs once the queue is empty. A write that would queue
     * more than {@link #bufferSize()} bytes is refused whole, with {@link ErrorCode#OUTPUT_BUFFER_OVERFLOW}.
     */
    public static boolean write(SelectableChannel channel, byte[] data) {
        Registration r = channel == null ? null : ALL.get(channel);
        if (r == null) {
            return fail("Event::write(): socket[" + describe(channel) + "] is not found in the reactor");
        }
        if (data == null || data.length == 0) {
            return fail("Event::write(): data empty");
        }
        if (!(channel instanceof WritableByteChannel)) {
            return fail("Event::write(): " + describe(channel) + " cannot be written");
        }
        int w = r.write(data, bufferSize);
        if (w == 0) {
            return LastError.fail(ErrorCode.OUTPUT_BUFFER_OVERFLOW);
        }
        return w > 0 || LastError.fail(ErrorCode.SESSION_CLOSED);
    }

    /** Bytes {@link #write} holds for {@code channel} now (0 when it is not in a loop). */
    public static long queued(SelectableChannel channel) {
        Registration r = channel == null ? null : ALL.get(channel);
        return r == null ? 0 : r.queued();
    }

    /** The cap of {@link #write}'s queue per channel. */
    public static long bufferSize() {
        return bufferSize;
    }

    /** Sets the cap of {@link #write}'s queue per channel (Swoole's {@code socket_buffer_size}). */
    public static void bufferSize(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("the buffer size must be at least 1 byte, got " + bytes);
        }
        bufferSize = bytes;
    }

    /**
     * {@code defer(callback)}: runs {@code fn} after the current callback (the carrier's current task), as a
     * coroutine of this loop's scheduler; deferred callbacks run in the order they were given.
     */
    public static void defer(Runnable fn) {
        if (fn == null) {
            throw new IllegalArgumentException("Event::defer(): the callback is null");
        }
        Loop.of(Scheduler.current()).defer(fn);
    }

    /**
     * {@code cycle(callback, before)}: runs {@code fn} at every round of the loop, after its callbacks were
     * started, or before them when {@code before}; the two hooks can coexist, and null clears one (false when
     * there was none).
     */
    public static boolean cycle(Runnable fn, boolean before) {
        return Loop.of(Scheduler.current()).cycle(fn, before);
    }

    /** {@code cycle(callback)}: after each round. */
    public static boolean cycle(Runnable fn) {
        return cycle(fn, false);
    }

    /**
     * {@code Event::wait()} (named {@code await}: {@code wait} is {@link Object#wait()}'s): for a script outside a
     * server, runs the loop of the calling thread's scheduler until no channel, deferred callback, coroutine or
     * timer of it is left. Inside a server callback, or any coroutine, the loop runs by itself and this returns at
     * once.
     */
    public static void await() {
        await(-1);
    }

    /** {@link #await()} for at most {@code timeoutSeconds} (negative: no limit); false when time ran out. */
    public static boolean await(double timeoutSeconds) {
        Scheduler s = Scheduler.current();
        if (Coroutine.getCid() != -1) {
            return true;
        }
        Loop l = Loop.of(s);
        long deadline = timeoutSeconds < 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeoutSeconds * 1e9);
        try {
            while (l.hasWork() || !s.idle()) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                l.awaitChange(5); // coroutine and timer ends are not signalled: checked every 5 ms as well
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /**
     * {@code dispatch()}: one round of the loop: waits until the selector reports ready channels and their
     * callbacks have run (each until it first waits). False at once when no channel is in the loop.
     */
    public static boolean dispatch() {
        Loop l = Loop.existing(Scheduler.current());
        if (l == null || !l.hasWork()) {
            return false;
        }
        l.dispatching(1);
        long before = l.rounds();
        try {
            while (l.rounds() == before && l.hasWork()) {
                l.awaitChange(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            l.dispatching(-1);
        }
        return true;
    }

    static void forget(Registration r) {
        ALL.remove(r.channel, r);
    }

    /** How messages name a channel: its class and local address (a JDK channel has no fd number to show). */
    static String describe(SelectableChannel ch) {
        if (ch == null) {
            return "null";
        }
        String name = ch.getClass().getSimpleName().replace("Impl", "");
        try {
            if (ch instanceof java.nio.channels.NetworkChannel n && n.getLocalAddress() != null) {
                return name + " " + n.getLocalAddress();
            }
        } catch (IOException e) {
            // closed: the class name alone
        }
        return name;
    }

    private static String checkEvents(SelectableChannel ch, int events, Handler<?> onRead, Handler<?> onWrite) {
        if ((events & (READ | WRITE)) == 0 || (events & ~(READ | WRITE)) != 0) {
            return "invalid events";
        }
        int valid = ch.validOps();
        if ((events & READ) != 0 && (valid & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) == 0) {
            return "invalid events: " + describe(ch) + " cannot be read";
        }
        if ((events & WRITE) != 0 && (valid & SelectionKey.OP_WRITE) == 0) {
            return "invalid events: " + describe(ch) + " cannot be written";
        }
        if ((events & READ) != 0 && onRead == null) {
            return "unable to find read callback of " + describe(ch);
        }
        if ((events & WRITE) != 0 && onWrite == null) {
            return "unable to find write callback of " + describe(ch);
        }
        return null;
    }

    private static boolean fail(String message) {
        Log.warning(message);
        return LastError.fail(ErrorCode.INVALID_PARAMS);
    }
}
