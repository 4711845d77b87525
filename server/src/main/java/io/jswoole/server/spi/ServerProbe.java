package io.jswoole.server.spi;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * What an {@link AdminService} may read of a running server: read at scrape time from the counters the server keeps
 * anyway, so observing costs nothing on a request's way. Every method may be called from any thread.
 */
public interface ServerProbe {
    /** {@code Server.stats()}: Swoole's keys, as the master sees them ({@code worker_*} keys are 0 there). */
    Map<String, Object> stats();

    /** Whether the server should get traffic now, and why not. */
    Readiness readiness();

    /** The event workers, then the task workers. */
    List<WorkerState> workers();

    /** Tasks waiting in each event loop's queue (Netty's pending tasks), by loop index. */
    List<Integer> eventLoopPendingTasks();

    /** Request durations per port and protocol (recorded once {@link RequestTimes#enable enabled}). */
    RequestTimes requestTimes();

    /**
     * {@code ready}: every port listens, every worker is up and the server is not draining. {@code state} is one of
     * {@code starting}, {@code serving}, {@code draining}; {@code reason} says what is not ready ("" when ready).
     */
    record Readiness(boolean ready, String state, String reason) {
    }

    /**
     * One worker. {@code task}: a task worker. {@code up}: its thread runs (BASE, THREAD) or its JVM said hello and
     * is alive (PROCESS). Counters are Swoole's {@code worker_*} keys for that worker: {@code requests} the tasks a
     * task worker finished (an event worker's requests are its {@code dispatched} events), {@code responses} its
     * sends to clients. Coroutine counts are known for
     * workers of this JVM only; memory is the worker's JVM: its resident set (Linux {@code /proc}) and heap (this
     * JVM's {@code MemoryMXBean}, or the worker JVM's published GC counters, the ones {@code jstat} reads).
     * {@code replacing}: a worker JVM being replaced on purpose (reload, {@code max_request}, {@code max_memory});
     * one that is not up without it died.
     */
    record WorkerState(int id, boolean task, long pid, boolean up, boolean busy, long requests, long responses,
            long dispatched, int concurrency, OptionalInt coroutines, OptionalInt coroutinePeak,
            OptionalLong residentBytes, OptionalLong heapUsedBytes, OptionalLong heapCommittedBytes,
            boolean replacing) {
    }
}
