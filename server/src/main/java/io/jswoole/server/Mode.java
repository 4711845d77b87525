package io.jswoole.server;

/** Swoole's server modes, with Swoole's numbers ({@code SWOOLE_BASE}, {@code SWOOLE_PROCESS}, {@code SWOOLE_THREAD}). */
public enum Mode {
    /**
     * Each worker is an event loop that accepts and serves its own connections; callbacks run on that loop as
     * coroutines. No dispatch. The default, as in Swoole 5+.
     */
    BASE(1),
    /** Reactor threads in the master own the connections; worker JVMs run the callbacks (a later release). */
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
