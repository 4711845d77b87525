package io.jswoole.client;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Channel;
import io.jswoole.log.Log;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The Swoole library's {@code ConnectionPool}: at most {@code size} connections, created lazily by a factory,
 * shared by coroutines. {@link #get} hands out an idle connection, creates one while fewer than {@code size} exist,
 * or parks the calling coroutine until one is {@link #put} back.
 * <pre>{@code
 * ConnectionPool<Connection> pool = new ConnectionPool<>(() -> DriverManager.getConnection(url, user, pw), 10);
 * Connection c = pool.get(1.0);             // null after 1 s without a free connection
 * try { ... pool.put(c); }
 * catch (SQLException e) { pool.discard(c); }  // broken: closed, and its slot freed for a new one
 * }</pre>
 * A JDBC driver's blocking socket I/O parks only its virtual thread, so 200 coroutines of one worker can share
 * 10 connections and keep all 10 busy. The pool may also be shared between schedulers and plain threads.
 *
 * @param <T> connection type
 */
public final class ConnectionPool<T> implements AutoCloseable {
    /** Makes one connection; may block (it runs in the coroutine that needed it). */
    @FunctionalInterface
    public interface Factory<T> {
        T create() throws Exception;
    }

    private final Factory<T> factory;
    private final Consumer<T> closer;
    private final int size;
    private final Channel<T> idle;
    private final ReentrantLock lock = new ReentrantLock();
    private int created;
    private boolean closed;

    /** A pool of {@code size} connections that closes {@link AutoCloseable} ones when discarded. */
    public ConnectionPool(Factory<T> factory, int size) {
        this(factory, size, ConnectionPool::closeQuietly);
    }

    /** A pool of {@code size} connections; {@code closer} releases a discarded one. */
    public ConnectionPool(Factory<T> factory, int size, Consumer<T> closer) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, got " + size);
        }
        this.factory = factory;
        this.closer = closer;
        this.size = size;
        this.idle = new Channel<>(size);
    }

    /**
     * A connection: an idle one, a new one while fewer than {@code size} exist, or one put back within
     * {@code timeout} seconds (negative: wait forever).
     *
     * @return the connection, or {@code null} on timeout ({@link ErrorCode#CO_TIMEDOUT}), when the pool is closed,
     *         or when the factory failed (logged)
     */
    public T get(double timeout) {
        T c = idle.pop(0);
        if (c != null) {
            return c;
        }
        boolean make;
        lock.lock();
        try {
            if (closed) {
                LastError.set(ErrorCode.WRONG_OPERATION);
                return null;
            }
            make = created < size;
            if (make) {
                created++;
            }
        } finally {
            lock.unlock();
        }
        if (make) {
            try {
                return factory.create();
            } catch (Exception e) {
                freeSlot();
                Log.warning("connection pool: factory failed: " + e);
                LastError.set(ErrorCode.WRONG_OPERATION);
                return null;
            }
        }
        c = idle.pop(timeout);
        if (c == null && idle.errCode() == Channel.CHANNEL_TIMEOUT) {
            LastError.set(ErrorCode.CO_TIMEDOUT);
        }
        return c;
    }

    /** A connection, waiting forever for one. */
    public T get() {
        return get(-1);
    }

    /** Gives {@code conn} back; {@code null} frees its slot (as Swoole's {@code put(null)}). */
    public void put(T conn) {
        if (conn == null) {
            freeSlot();
            return;
        }
        if (isClosed() || !idle.push(conn, 0)) {
            discard(conn);
        }
    }

    /** Closes a broken connection and frees its slot, so a later {@link #get} makes a new one. */
    public void discard(T conn) {
        closer.accept(conn);
        freeSlot();
    }

    private void freeSlot() {
        lock.lock();
        try {
            created--;
        } finally {
            lock.unlock();
        }
    }

    /** The most connections this pool makes. */
    public int size() {
        return size;
    }

    /** Connections alive now (idle or lent). */
    public int created() {
        lock.lock();
        try {
            return created;
        } finally {
            lock.unlock();
        }
    }

    /** Idle connections now. */
    public int idle() {
        return idle.length();
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the idle connections and every connection put back later; waiters get {@code null}. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        T c;
        while ((c = idle.pop(0)) != null) {
            discard(c);
        }
        idle.close();
    }

    private static <T> void closeQuietly(T conn) {
        if (conn instanceof AutoCloseable a) {
            try {
                a.close();
            } catch (Exception e) {
                Log.warning("connection pool: closing a connection failed: " + e);
            }
        }
    }
}
