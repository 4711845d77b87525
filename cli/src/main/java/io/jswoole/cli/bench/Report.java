package io.jswoole.cli.bench;

import java.io.PrintStream;
import java.util.Map;
import java.util.StringJoiner;

import org.HdrHistogram.Histogram;

/** The header and the final block of {@code ./jswoole bench}, as text. */
final class Report {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private Report() {
    }

    /** What is about to run, on one line. */
    static String header(BenchOptions o, int clients) {
        StringBuilder sb = new StringBuilder("jswoole bench: ").append(o.unit()).append(' ').append(o.target());
        if (o.target().isTls()) {
            sb.append(" (TLS, ").append(Tls.providerName()).append(", the certificate not verified)");
        }
        if (o.hold() > 0) {
            return sb.append(", holding ").append(clients).append(" idle connections").toString();
        }
        sb.append(", ").append(clients).append(clients == 1 ? " connection" : " connections").append(" on ")
                .append(o.threads()).append(o.threads() == 1 ? " thread" : " threads");
        sb.append(o.openLoop() ? ", open loop at %,.0f req/s".formatted(o.rate()) : ", closed loop");
        sb.append(", pipeline ").append(o.pipeline()).append(", payload ").append(o.payload()).append(" B");
        if (o.requests() > 0) {
            sb.append(", ").append("%,d".formatted(o.requests())).append(" requests");
        }
        if (!o.duration().isZero()) {
            sb.append(o.requests() > 0 ? " or " : ", ").append(Durations.format(o.duration().toNanos()));
        }
        if (!o.warmup().isZero()) {
            sb.append(" after a warm-up of ").append(Durations.format(o.warmup().toNanos()));
        }
        return sb.append(o.verify() ? ", verifying every reply" : "").toString();
    }

    static void print(Result r, PrintStream out) {
        LoopStats.Counts t = r.total();
        BenchOptions o = r.options();
        if (o.hold() > 0) {
            connections(t, out); // --hold sends no requests
            return;
        }
        out.printf("requests      %,d sent = %,d ok + %,d failed, in %.2f s%n", t.sent, t.ok, t.failed, r.seconds());
        if (r.unsent() > 0) {
            out.printf("not sent      %,d (their clients gave up connecting after %s)%n", r.unsent(),
                    Durations.format(o.timeout().toNanos()));
        }
        out.printf("throughput    %,.0f req/s; sent %.2f MB/s, received %.2f MB/s%n", r.requestsPerSecond(),
                t.bytesSent / 1e6 / r.seconds(), t.bytesReceived / 1e6 / r.seconds());
        if (o.openLoop()) {
            double reached = r.rateReached();
            if (reached < 0.99) {
                out.printf("TARGET RATE NOT REACHED: %,.0f req/s sent of the %,.0f asked (%.0f%%); %,d requests went "
                                + "out more than 1 ms late. The corrected latency includes that wait.%n",
                        r.sendRate(), o.rate(), reached * 100, t.late);
            } else {
                out.printf("target rate   %,.0f req/s reached (%,d requests more than 1 ms late)%n", o.rate(), t.late);
            }
            out.println("latency       " + percentiles(t.corrected) + "  (corrected: from the scheduled send)");
            out.println("uncorrected   " + percentiles(t.latency) + "  (from the actual send)");
        } else {
            out.println("latency       " + percentiles(t.latency));
        }
        connections(t, out);
        out.println("errors        " + (t.errors.isEmpty() ? "none" : classes(t.errors)));
        if (t.stray > 0) {
            out.printf("stray replies %,d (answers to no request waiting; not counted as requests)%n", t.stray);
        }
        out.println(cpu(r.cpu()));
        String warning = bottleneck(r.cpu());
        if (warning != null) {
            out.println(warning);
        }
    }

    private static void connections(LoopStats.Counts t, PrintStream out) {
        out.println("connect       " + summary(t.connect));
        out.println("first byte    " + summary(t.firstByte) + "  (from the start of the connect)");
        if (!t.connectErrors.isEmpty()) {
            out.println("connect errs  " + classes(t.connectErrors));
        }
    }

    static String percentiles(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "no replies";
        }
        StringJoiner j = new StringJoiner("  ");
        j.add("min " + Durations.format(h.getMinValue()));
        for (double p : PERCENTILES) {
            j.add("p" + label(p) + " " + Durations.format(h.getValueAtPercentile(p)));
        }
        return j.add("max " + Durations.format(h.getMaxValue())).toString();
    }

    static String label(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    private static String summary(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "none";
        }
        return "%,d: min %s  p50 %s  p99 %s  max %s".formatted(h.getTotalCount(), Durations.format(h.getMinValue()),
                Durations.format(h.getValueAtPercentile(50)), Durations.format(h.getValueAtPercentile(99)),
                Durations.format(h.getMaxValue()));
    }

    static String classes(Map<String, Long> m) {
        StringJoiner j = new StringJoiner(", ");
        m.forEach((k, v) -> j.add("%s %,d".formatted(k, v)));
        return j.toString();
    }

    static String cpu(CpuMeter.Use u) {
        StringJoiner j = new StringJoiner(", ");
        for (double l : u.loops()) {
            j.add("%.0f%%".formatted(l * 100));
        }
        return "generator cpu %.0f%% of one core in all; event loops %s".formatted(u.process() * 100, j);
    }

    /** The warning when the generator, not the server, was probably the limit; null when it was not. */
    static String bottleneck(CpuMeter.Use u) {
        if (u.busiestLoop() < CpuMeter.BUSY) {
            return null;
        }
        return "WARNING: an event loop of the generator was %.0f%% busy: the generator may be what limits this run; "
                .formatted(u.busiestLoop() * 100) + "add -t threads or give it a core of its own (taskset)";
    }
}
