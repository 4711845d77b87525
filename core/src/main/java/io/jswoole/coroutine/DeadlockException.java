package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;

/**
 * Thrown by {@link Coroutine#run} when every coroutine left in it is blocked forever: Swoole's
 * "all coroutines (count: N) are asleep - deadlock!". The message holds the report, with each coroutine's stack;
 * it is also logged as an error. The blocked coroutines are abandoned: their deferred tasks do not run.
 * <p>"Blocked forever" means: every live coroutine of the run waits in a toolkit wait without timeout
 * ({@link Channel} push/pop, {@link WaitGroup}, {@link Barrier}, {@link Lock}, {@link Coroutine#join},
 * {@link Coroutine#yield}), and the scheduler has no timer and no timed wait left. A coroutine blocked in anything
 * else (socket or file I/O, {@link CoSystem}, a JDK call such as {@code Thread.sleep} or JDBC) can be woken from
 * outside, so it never counts as blocked. Wake-ups from outside the run (another scheduler or a plain thread
 * pushing into a channel) cannot be foreseen: give such waits a timeout, or turn the check off with
 * {@code Coroutine.set(Map.of("deadlock_check", false))}, in which case {@code run} waits for them.
 */
public final class DeadlockException extends SwooleException {
    private final int count;

    DeadlockException(int count, String report) {
        super(ErrorCode.WRONG_OPERATION, report);
        this.count = count;
    }

    /** How many coroutines were blocked. */
    public int count() {
        return count;
    }
}
