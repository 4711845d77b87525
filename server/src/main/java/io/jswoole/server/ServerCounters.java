package io.jswoole.server;

import java.util.concurrent.atomic.LongAdder;

/** The server-wide counters of {@code stats()}: written by the reactors and the connections, read by stats. */
final class ServerCounters {
    final LongAdder acceptCount = new LongAdder();
    final LongAdder closeCount = new LongAdder();
    final LongAdder abortCount = new LongAdder();
    final LongAdder totalRecvBytes = new LongAdder();
    final LongAdder totalSendBytes = new LongAdder();
    final LongAdder requestCount = new LongAdder();
}
