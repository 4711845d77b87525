package io.jswoole.server.reactor;

import java.util.concurrent.atomic.LongAdder;

/** The server-wide counters of {@code stats()}: written by the reactors and the connections, read by stats. */
public final class ServerCounters {
    public final LongAdder acceptCount = new LongAdder();
    public final LongAdder closeCount = new LongAdder();
    public final LongAdder abortCount = new LongAdder();
    public final LongAdder totalRecvBytes = new LongAdder();
    public final LongAdder totalSendBytes = new LongAdder();
    public final LongAdder requestCount = new LongAdder();
}
