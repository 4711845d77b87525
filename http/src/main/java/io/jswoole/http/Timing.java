package io.jswoole.http;

import io.jswoole.server.spi.RequestTimes;

/**
 * When each outstanding request of an HTTP/1.1 connection arrived (its head parsed), by sequence number, until its
 * response's last piece is written and flushed to the socket: then the duration goes to the port's histogram, one
 * clock read per flush (the responses to a batch of pipelined requests leave in one flush). Requests are numbered in
 * order and answered in order, so a ring indexed by the sequence number holds them; it doubles when more are
 * outstanding than it has room for (a read can bring many pipelined requests). Event loop only.
 */
final class Timing {
    /** A sequence number that was not a request (a header deadline's 408): nothing is recorded. */
    static final long NONE = Long.MIN_VALUE;
    private final RequestTimes.Series series;
    private long[] starts = new long[8];
    /** The oldest sequence number not yet answered. */
    private long oldest;
    /** Starts of the responses whose last piece was written since the last flush. */
    private long[] ended = new long[16];
    private int endedCount;
    /** A flush's durations per bucket, handed to the histogram at once. */
    private final long[] batch = new long[RequestTimes.Series.BUCKETS];

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

    /** The last piece of response {@code seq} was written (responses end in order); it counts at the next flush. */
    void ended(long seq) {
        if (seq < oldest) {
            return;
        }
        long start = starts[(int) (seq & (starts.length - 1))];
        oldest = seq + 1;
        if (start == NONE) {
            return;
        }
        if (endedCount == ended.length) {
            if (ended.length >= 4096) {
                flushed(); // bounded whatever the flushes do
            } else {
                ended = java.util.Arrays.copyOf(ended, ended.length * 2);
            }
        }
        ended[endedCount++] = start;
    }

    /** A flush went to the socket: the responses ended before it are written. */
    void flushed() {
        if (endedCount == 0) {
            return;
        }
        long now = System.nanoTime();
        long sum = 0;
        for (int i = 0; i < endedCount; i++) {
            long d = Math.max(0, now - ended[i]);
            batch[RequestTimes.Series.bucket(d)]++;
            sum += d;
        }
        series.record(batch, sum);
        endedCount = 0;
    }
}
