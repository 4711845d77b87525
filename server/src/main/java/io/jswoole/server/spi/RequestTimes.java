package io.jswoole.server.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Request durations per port and protocol, as fixed-bucket histograms: recorded by a protocol module where a
 * response's last byte is written (the event loop of the JVM that owns the sockets: BASE, THREAD, the PROCESS master),
 * read at scrape time by the admin listener, which hands them to its exposition library. Recording is off until
 * {@link #enable} (the admin listener, or an application registering the metrics in a registry of its own), so a
 * server without metrics does not read the clock for them.
 * <p>Why our own buckets rather than the metrics library's histogram: the server module has no dependency on it, and a
 * record is two uncontended {@link LongAdder} increments on the event loop.
 */
public final class RequestTimes {
    /**
     * Upper bounds in seconds: from 100 µs (a pipelined hello answers in a few µs; a loaded one in tens) to 10 s (a
     * slow handler; {@code max_request_execution_time} usually cuts before). Prometheus adds {@code +Inf}.
     */
    public static final List<Double> BOUNDS = List.of(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
            0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);
    private static final long[] NANOS = BOUNDS.stream().mapToLong(s -> Math.round(s * 1e9)).toArray();

    private final ConcurrentHashMap<String, Series> series = new ConcurrentHashMap<>();
    private volatile boolean enabled;

    /** From now on, protocol modules record (connections opened before keep not recording). */
    public void enable() {
        enabled = true;
    }

    /** Whether durations are being recorded. */
    public boolean enabled() {
        return enabled;
    }

    /** The histogram of {@code port} (its number, or a Unix socket's path) and {@code protocol}; made once. */
    public Series series(String port, String protocol) {
        return series.computeIfAbsent(port + " " + protocol, k -> new Series(port, protocol));
    }

    /** Every histogram so far, sorted by port and protocol. */
    public List<Series> all() {
        List<Series> out = new ArrayList<>(series.values());
        out.sort((a, b) -> (a.port + " " + a.protocol).compareTo(b.port + " " + b.protocol));
        return out;
    }

    /** One histogram: counts per bucket (the last is over {@code 10 s}) and the sum, both read without a lock. */
    public static final class Series {
        private final String port;
        private final String protocol;
        private final LongAdder[] counts = new LongAdder[NANOS.length + 1];
        private final LongAdder sumNanos = new LongAdder();

        Series(String port, String protocol) {
            this.port = port;
            this.protocol = protocol;
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        public String port() {
            return port;
        }

        public String protocol() {
            return protocol;
        }

        /** One request that took {@code nanos} from its head to its last byte. */
        public void record(long nanos) {
            nanos = Math.max(0, nanos);
            counts[bucket(nanos)].increment();
            sumNanos.add(nanos);
        }

        /**
         * Several requests at once, counted by the caller per {@link #bucket} ({@code perBucket}, which this clears),
         * with the sum of their durations: a batch costs an atomic add per bucket used rather than two per request.
         */
        public void record(long[] perBucket, long nanos) {
            for (int i = 0; i < perBucket.length; i++) {
                if (perBucket[i] != 0) {
                    counts[i].add(perBucket[i]);
                    perBucket[i] = 0;
                }
            }
            sumNanos.add(nanos);
        }

        /** The bucket of a duration, an index into {@link #counts()}; there are {@link #BUCKETS}. */
        public static int bucket(long nanos) {
            int i = 0;
            while (i < NANOS.length && nanos > NANOS[i]) {
                i++;
            }
            return i;
        }

        /** How many buckets there are: one per bound and one over the last. */
        public static final int BUCKETS = NANOS.length + 1;

        /**
         * Counts per bucket, not cumulative, in {@link #BOUNDS} order and then the one over the last bound. Read while
         * requests are recorded, the counts and the sum may disagree by the requests of that moment.
         */
        public long[] counts() {
            long[] out = new long[counts.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = counts[i].sum();
            }
            return out;
        }

        /** The sum of the durations, in seconds. */
        public double sumSeconds() {
            return sumNanos.sum() / 1e9;
        }
    }
}
