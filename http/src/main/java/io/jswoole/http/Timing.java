package io.jswoole.http;

import io.jswoole.server.spi.RequestTimes;

/**
 * When each outstanding request of an HTTP/1.1 connection arrived (its head parsed), by sequence number, until its
 * response's last piece is written: then the duration goes to the port's histogram. Requests are numbered in order
 * and answered in order, so a ring indexed by the sequence number holds them; it doubles when more are outstanding
 * than it has room for (a read can bring many pipelined requests). Event loop only.
 */
final class Timing {
    /** A sequence number that was not a request (a header deadline's 408): nothing is recorded. */
    static final long NONE = Long.MIN_VALUE;
    private final RequestTimes.Series series;
    private long[] starts = new long[8];
    /** The oldest sequence number not yet answered. */
    private long oldest;

    Timing(RequestTimes.Series series) {
        this.series = series;
    }

    /** Request {@code seq} (the newest) arrived at {@code nanos} ({@link System#nanoTime}), or {@link #NONE}. */
    void started(long seq, long nanos) {
        if (seq - oldest >= starts.length) {
            long[] bigger = new long[Integer.highestOneBit((int) (seq - oldest)) << 1];
            for (long s = oldest; s < seq; s++) {
                bigger[(int) (s & (bigger.length - 1))] = starts[(int) (s & (starts.length - 1))];
            }
            starts = bigger;
        }
        starts[(int) (seq & (starts.length - 1))] = nanos;
    }

    /** The last piece of response {@code seq} was written (responses end in order). */
    void ended(long seq) {
        if (seq < oldest) {
            return;
        }
        long start = starts[(int) (seq & (starts.length - 1))];
        oldest = seq + 1;
        if (start != NONE) {
            series.record(System.nanoTime() - start);
        }
    }
}
