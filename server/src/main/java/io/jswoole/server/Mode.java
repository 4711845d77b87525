package io.jswoole.server;

/** Swoole's server modes, with Swoole's numbers ({@code SWOOLE_BASE}, {@code SWOOLE_PROCESS}, {@code SWOOLE_THREAD}). */
public enum Mode {
    /**
     * Each worker is an event loop that accepts and serves its own connections; callbacks run on that loop as
     * coroutines. No dispatch. The default, as in Swoole 5+.
     */
    BASE(1),
    /**
     * Reactor threads in the master JVM own the connections; worker JVMs, started and supervised by the master's
     * manager, run the callbacks (kill -9 of a worker closes no connection).
     */
    PROCESS(2),
    /** {@code reactor_num} reactor threads own the connections; {@code worker_num} worker threads run callbacks. */
    THREAD(3);

    private final int value;

    Mode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }
}
