package io.jswoole.coroutine;

/**
 * {@code Swoole\Coroutine\Barrier}: waits until every coroutine that holds the barrier has let it go. Swoole
 * releases a holder when PHP destroys the coroutine's reference; Java has no such moment, so a holder is explicit:
 * {@link #go} starts a coroutine that holds the barrier until it exits, and {@link #hold} gives a ticket to close.
 * <pre>{@code
 * Barrier b = Barrier.make();
 * for (int i = 0; i < 3; i++) {
 *     b.go(() -> fetch(i));
 * }
 * Barrier.wait(b, 2.0);   // every fetch finished (or 2 s passed)
 * }</pre>
 */
public final class Barrier {
    /** A hold on a barrier; closing it (once) releases it. */
    public final class Ticket implements AutoCloseable {
        private boolean released;

        private Ticket() {
        }

        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            group.done();
        }
    }

    private final WaitGroup group = new WaitGroup();

    private Barrier() {
    }

    /** {@code Barrier::make()}. */
    public static Barrier make() {
        return new Barrier();
    }

    /** Holds the barrier until the ticket is closed. */
    public Ticket hold() {
        group.add();
        return new Ticket();
    }

    /** Starts {@code task} as a coroutine that holds the barrier until it exits; returns its id. */
    public long go(Runnable task) {
        Ticket t = hold();
        try {
            return Coroutine.go(() -> {
                try (t) {
                    task.run();
                }
            });
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    /** Holders not released yet. */
    public int holders() {
        return group.count();
    }

    /**
     * {@code Barrier::wait($barrier, $timeout)}: waits up to {@code timeout} seconds (negative: forever) until
     * every holder has released the barrier; false on timeout or cancel.
     */
    public static boolean wait(Barrier barrier, double timeout) {
        return barrier.group.await(timeout);
    }
}
