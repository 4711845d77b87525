package io.jswoole.metrics;

import com.sun.net.httpserver.HttpExchange;
import io.jswoole.server.spi.RequestTimes;
import io.jswoole.server.spi.ServerProbe;
import io.jswoole.server.spi.ServerProbe.WorkerState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The admin listener's live page: {@code GET /} is a self-contained HTML page (no CDN: its script and style are in
 * the page), {@code GET /events} a server-sent event stream of one JSON snapshot a second. One sampler thread reads
 * the probe once a second whatever the number of viewers (each viewer only writes the latest snapshot), so five
 * tabs cost the server what one does; at most {@value #MAX_VIEWERS} streams at once (503 beyond).
 * <p>A snapshot: readiness, connections, requests per second (the last second; HTTP requests answered, else
 * {@code request_count}) with a minute of history, latency
 * percentiles over the last 10 s (from {@code jswoole_request_duration_seconds}' buckets, interpolated within a
 * bucket as Prometheus' {@code histogram_quantile} does), the task queue, each worker (pid, state, RSS, heap,
 * coroutines, events in flight) and the last restarts of worker JVMs with their cause, which the sampler infers from
 * what it saw: a new pid while or after the worker was being replaced on purpose (a reload, {@code max_request},
 * {@code max_memory}: {@link WorkerState#replacing}), else it died and the manager respawned it.
 */
final class Dashboard implements AutoCloseable {
    static final int MAX_VIEWERS = 64;
    private static final int WINDOW = 10;
    private static final int HISTORY = 60;
    private static final int RESTARTS = 20;

    private final ServerProbe probe;
    private final byte[] page;
    private final Thread sampler;
    private final AtomicInteger viewers = new AtomicInteger();
    private volatile boolean closed;
    private String latest = "{}";
    private long seq;

    /** Bucket counts summed over every series, one entry per sample, for the latency window. */
    private final ArrayDeque<long[]> windows = new ArrayDeque<>();
    private final ArrayDeque<Double> rates = new ArrayDeque<>();
    private final ArrayDeque<String> restarts = new ArrayDeque<>();
    private final Map<String, Seen> seen = new HashMap<>();
    private double lastRequests = -1;
    private long lastNanos;

    /** What the sampler knew of a worker: its pid, and whether it was being replaced on purpose since. */
    private static final class Seen {
        long pid;
        boolean replacing;
    }

    Dashboard(ServerProbe probe) throws IOException {
        this.probe = probe;
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IOException("dashboard.html is missing from jswoole-metrics");
            }
            page = in.readAllBytes();
        }
        sampler = Thread.ofVirtual().name("jswoole-admin-dashboard").start(this::sampleEverySecond);
    }

    void page(HttpExchange ex) throws IOException {
        AdminListener.respond(ex, 200, "text/html; charset=utf-8", page);
    }

    /** The event stream: the latest snapshot at once, then each new one, until the viewer leaves or we close. */
    void events(HttpExchange ex) throws IOException {
        try (ex) {
            if (viewers.incrementAndGet() > MAX_VIEWERS) {
                AdminListener.respond(ex, 503, "text/plain; charset=utf-8", "too many dashboard viewers\n");
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            long shown = -1;
            while (!closed) {
                String s;
                synchronized (this) {
                    while (seq == shown && !closed) {
                        wait(2000);
                    }
                    s = latest;
                    shown = seq;
                }
                out.write(("data: " + s + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the viewer went away
        } finally {
            viewers.decrementAndGet();
        }
    }

    private void sampleEverySecond() {
        while (!closed) {
            try {
                String s = sample();
                synchronized (this) {
                    latest = s;
                    seq++;
                    notifyAll();
                }
            } catch (RuntimeException e) {
                io.jswoole.log.Log.warning("admin_server dashboard: a sample failed: " + e);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One snapshot as JSON (called on the sampler thread only). */
    String sample() {
        Map<String, Object> stats = probe.stats();
        ServerProbe.Readiness ready = probe.readiness();
        List<WorkerState> workers = probe.workers();
        long now = System.nanoTime();
        long[] buckets = buckets();
        // HTTP requests answered (the histograms), else Swoole's request_count (data events: other protocols)
        double requests = sum(buckets) > 0 ? sum(buckets) : number(stats, "request_count");
        double rate = lastRequests < 0 ? 0 : (requests - lastRequests) / Math.max(1e-3, (now - lastNanos) / 1e9);
        lastRequests = requests;
        lastNanos = now;
        rates.addLast(rate);
        while (rates.size() > HISTORY) {
            rates.removeFirst();
        }
        windows.addLast(buckets);
        while (windows.size() > WINDOW + 1) {
            windows.removeFirst();
        }
        noteRestarts(workers);

        Json j = new Json();
        j.field("time", System.currentTimeMillis()).field("ready", ready.ready()).field("state", ready.state())
                .field("reason", ready.reason()).field("startTime", number(stats, "start_time"))
                .field("connections", number(stats, "connection_num"))
                .field("accepted", number(stats, "accept_count")).field("requests", requests)
                .field("rps", rate).field("taskQueue", number(stats, "task_queue_num"))
                .field("tasking", number(stats, "tasking_num"));
        long[] window = window();
        j.field("latencyCount", sum(window)).field("p50", quantile(window, 0.5)).field("p90", quantile(window, 0.9))
                .field("p99", quantile(window, 0.99));
        j.raw("history", rates.stream().map(r -> String.format(Locale.ROOT, "%.1f", r))
                .reduce((a, b) -> a + "," + b).map(x -> "[" + x + "]").orElse("[]"));
        StringBuilder ws = new StringBuilder("[");
        for (WorkerState w : workers) {
            Json o = new Json().field("id", w.id()).field("kind", w.task() ? "task" : "event").field("pid", w.pid())
                    .field("state", !w.up() ? (w.replacing() ? "replacing" : "down") : w.busy() ? "busy" : "idle")
                    .field("rss", w.residentBytes().isPresent() ? w.residentBytes().getAsLong() : null)
                    .field("heap", w.heapUsedBytes().isPresent() ? w.heapUsedBytes().getAsLong() : null)
                    .field("coroutines", w.coroutines().isPresent() ? w.coroutines().getAsInt() : null)
                    .field("events", w.concurrency()).field("dispatched", w.dispatched());
            ws.append(ws.length() > 1 ? "," : "").append(o.end());
        }
        j.raw("workers", ws.append(']').toString());
        j.raw("restarts", "[" + String.join(",", restarts) + "]");
        return j.end();
    }

    /** A worker with a new pid restarted; the cause is what the sampler saw of it before. */
    private void noteRestarts(List<WorkerState> workers) {
        for (WorkerState w : workers) {
            String key = (w.task() ? "task " : "worker ") + w.id();
            Seen s = seen.computeIfAbsent(key, k -> new Seen());
            if (s.pid != 0 && w.pid() != 0 && w.pid() != s.pid) {
                String cause = s.replacing || w.replacing() ? "replaced on purpose (reload, max_request or max_memory)"
                        : "died; respawned by the manager";
                restarts.addFirst(new Json().field("time", System.currentTimeMillis()).field("worker", key)
                        .field("oldPid", s.pid).field("newPid", w.pid()).field("cause", cause).end());
                while (restarts.size() > RESTARTS) {
                    restarts.removeLast();
                }
                s.replacing = false;
            }
            if (w.pid() != 0) {
                s.pid = w.pid();
            }
            s.replacing |= w.replacing();
        }
    }

    private long[] buckets() {
        long[] total = new long[RequestTimes.BOUNDS.size() + 1];
        for (RequestTimes.Series s : probe.requestTimes().all()) {
            long[] c = s.counts();
            for (int i = 0; i < c.length; i++) {
                total[i] += c[i];
            }
        }
        return total;
    }

    /** The requests of the last {@value #WINDOW} samples, per bucket. */
    private long[] window() {
        long[] last = windows.peekLast();
        long[] first = windows.peekFirst();
        long[] out = new long[last.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = last[i] - (first == last ? 0 : first[i]);
        }
        return out;
    }

    private static long sum(long[] counts) {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** The {@code q} quantile in seconds, interpolated in its bucket; null without requests. */
    static Double quantile(long[] counts, double q) {
        long total = sum(counts);
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        long below = 0;
        List<Double> bounds = RequestTimes.BOUNDS;
        for (int i = 0; i < counts.length; i++) {
            if (below + counts[i] >= rank && counts[i] > 0) {
                if (i == bounds.size()) {
                    return bounds.get(i - 1); // over the last bound: Prometheus answers the last finite one
                }
                double lo = i == 0 ? 0 : bounds.get(i - 1);
                return lo + (bounds.get(i) - lo) * (rank - below) / counts[i];
            }
            below += counts[i];
        }
        return bounds.get(bounds.size() - 1);
    }

    private static double number(Map<String, Object> stats, String key) {
        return stats.get(key) instanceof Number n ? n.doubleValue() : 0;
    }

    @Override
    public void close() {
        closed = true;
        sampler.interrupt();
        synchronized (this) {
            notifyAll();
        }
    }

    /** A flat JSON object, written in order. */
    private static final class Json {
        private final StringBuilder b = new StringBuilder("{");

        Json field(String name, Object value) {
            String v;
            if (value == null) {
                v = "null";
            } else if (value instanceof Double d) {
                v = d.isNaN() || d.isInfinite() ? "null" : d == Math.rint(d) && Math.abs(d) < 1e15
                        ? Long.toString(d.longValue()) : String.format(Locale.ROOT, "%.6g", d);
            } else if (value instanceof Number || value instanceof Boolean) {
                v = value.toString();
            } else {
                v = "\"" + value.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
            }
            return raw(name, v);
        }

        Json raw(String name, String json) {
            b.append(b.length() > 1 ? "," : "").append('"').append(name).append("\":").append(json);
            return this;
        }

        String end() {
            return b.append('}').toString();
        }
    }
}
