package io.jswoole.cli.bench;

import java.util.Map;
import java.util.TreeMap;

import org.HdrHistogram.Histogram;

/**
 * What one event loop measured: the second under way (everything, warm-up included, for the live line) and the
 * total (requests sent from the end of the warm-up on). Every field is written and read on that loop's thread
 * only; the reporter asks for {@link #takeSecond} and {@link #total} by submitting a task to the loop, so nothing
 * here is shared. Latencies are in nanoseconds.
 */
final class LoopStats {
    /** Under {@code -R}: latencies from the scheduled send are recorded too (in a closed loop they are the same). */
    boolean openLoop;
    /** Requests sent before this instant (the end of the warm-up) are not counted. */
    long measureFrom;
    final Counts second = new Counts();
    final Counts total = new Counts();
    /** Connections open now. */
    int open;
    /** The last reply of the run (System.nanoTime), to compute the rate over the time replies came in. */
    long lastReply;
    /** The last request sent in the measured period (System.nanoTime). */
    long lastSent;

    /** Counts and histograms of one period (a second, or the whole run). */
    static final class Counts {
        long sent;
        long ok;
        long failed;
        long late;
        /** Replies that answered no request waiting (not counted as requests). */
        long stray;
        long bytesSent;
        long bytesReceived;
        final Map<String, Long> errors = new TreeMap<>();
        final Map<String, Long> connectErrors = new TreeMap<>();
        final Histogram latency = histogram();
        final Histogram corrected = histogram();
        final Histogram connect = histogram();
        final Histogram firstByte = histogram();

        void add(Counts o) {
            sent += o.sent;
            ok += o.ok;
            failed += o.failed;
            late += o.late;
            stray += o.stray;
            bytesSent += o.bytesSent;
            bytesReceived += o.bytesReceived;
            o.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
            o.connectErrors.forEach((k, v) -> connectErrors.merge(k, v, Long::sum));
            latency.add(o.latency);
            corrected.add(o.corrected);
            connect.add(o.connect);
            firstByte.add(o.firstByte);
        }

        void ok(long sentAt, long intendedAt, long now, boolean openLoop) {
            ok++;
            latency.recordValue(Math.max(1, now - sentAt));
            if (openLoop) {
                corrected.recordValue(Math.max(1, now - intendedAt));
            }
        }

        void failed(String errorClass) {
            failed++;
            errors.merge(errorClass, 1L, Long::sum);
        }

        void reset() {
            sent = ok = failed = late = stray = bytesSent = bytesReceived = 0;
            errors.clear();
            connectErrors.clear();
            latency.reset();
            corrected.reset();
            connect.reset();
            firstByte.reset();
        }

        long errorCount() {
            return failed + connectErrors.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static Histogram histogram() {
        Histogram h = new Histogram(3);
        h.setAutoResize(true);
        return h;
    }

    boolean measuring(long sentAt) {
        return sentAt - measureFrom >= 0;
    }

    void sent(long at, int bytes) {
        second.sent++;
        second.bytesSent += bytes;
        if (measuring(at)) {
            total.sent++;
            total.bytesSent += bytes;
            lastSent = at;
        }
    }

    /** Bytes that are not a request (a handshake). */
    void bytesSent(int bytes) {
        second.bytesSent += bytes;
        if (measuring(System.nanoTime())) {
            total.bytesSent += bytes;
        }
    }

    void received(int bytes) {
        second.bytesReceived += bytes;
        if (measuring(System.nanoTime())) {
            total.bytesReceived += bytes;
        }
    }

    /** A reply to a request sent at {@code sentAt} (scheduled for {@code intendedAt}) arrived at {@code now}. */
    void ok(long sentAt, long intendedAt, long now) {
        second.ok(sentAt, intendedAt, now, openLoop);
        if (measuring(sentAt)) {
            total.ok(sentAt, intendedAt, now, openLoop);
            lastReply = now;
        }
    }

    void failed(long sentAt, String errorClass, long now) {
        second.failed(errorClass);
        if (measuring(sentAt)) {
            total.failed(errorClass);
            lastReply = now;
        }
    }

    void late(long intended) {
        second.late++;
        if (measuring(intended)) {
            total.late++;
        }
    }

    void stray() {
        second.stray++;
        total.stray++;
    }

    void connectFailed(String errorClass) {
        second.connectErrors.merge(errorClass, 1L, Long::sum);
        total.connectErrors.merge(errorClass, 1L, Long::sum);
    }

    void connected(long nanos) {
        total.connect.recordValue(Math.max(1, nanos));
    }

    void firstByte(long nanos) {
        total.firstByte.recordValue(Math.max(1, nanos));
    }

    /** Ends the warm-up: bytes received from now on count (connect times and errors count from the start). */
    void startMeasuring(long now) {
        total.bytesReceived = 0;
        lastReply = now;
    }

    /** The second that just ended (a copy); the next one starts empty. */
    Counts takeSecond() {
        Counts copy = new Counts();
        copy.add(second);
        second.reset();
        return copy;
    }
}
