package io.jswoole.cli.bench;

import java.util.Map;

import org.HdrHistogram.Histogram;

/** The result as one JSON object ({@code --json}); latencies in microseconds, rates per second. */
final class JsonReport {
    private final StringBuilder sb = new StringBuilder();

    private JsonReport() {
    }

    static String of(Result r) {
        JsonReport j = new JsonReport();
        LoopStats.Counts t = r.total();
        BenchOptions o = r.options();
        j.sb.append('{');
        j.field("unit", o.unit()).field("target", o.target().toString()).field("connections", r.clients())
                .field("threads", o.threads()).field("pipeline", o.pipeline()).field("payload", o.payload())
                .field("verify", o.verify()).field("seconds", r.seconds())
                .field("sent", t.sent).field("ok", t.ok).field("failed", t.failed).field("unsent", r.unsent())
                .field("stray", t.stray).field("rps", r.requestsPerSecond())
                .field("sent_mb_per_s", t.bytesSent / 1e6 / r.seconds())
                .field("received_mb_per_s", t.bytesReceived / 1e6 / r.seconds());
        if (o.openLoop()) {
            j.field("target_rps", o.rate()).field("rate_reached", r.rateReached()).field("late", t.late);
            j.histogram("latency_us", t.corrected).histogram("uncorrected_latency_us", t.latency);
        } else {
            j.histogram("latency_us", t.latency);
        }
        j.histogram("connect_us", t.connect).histogram("first_byte_us", t.firstByte);
        j.map("errors", t.errors).map("connect_errors", t.connectErrors);
        j.sb.append("\"cpu\":{\"process\":").append(num(r.cpu().process())).append(",\"loops\":[");
        double[] loops = r.cpu().loops();
        for (int i = 0; i < loops.length; i++) {
            j.sb.append(i == 0 ? "" : ",").append(num(loops[i]));
        }
        j.sb.append("]},\"generator_bottleneck\":").append(Report.bottleneck(r.cpu()) != null);
        if (o.hold() > 0) {
            j.sb.append(",\"held\":").append(r.open());
        }
        return j.sb.append('}').toString();
    }

    private JsonReport field(String name, Object value) {
        sb.append(quote(name)).append(':');
        if (value instanceof String s) {
            sb.append(quote(s));
        } else if (value instanceof Double d) {
            sb.append(num(d));
        } else {
            sb.append(value);
        }
        sb.append(',');
        return this;
    }

    private JsonReport histogram(String name, Histogram h) {
        sb.append(quote(name)).append(":{\"count\":").append(h.getTotalCount());
        if (h.getTotalCount() > 0) {
            sb.append(",\"min\":").append(num(h.getMinValue() / 1e3));
            sb.append(",\"mean\":").append(num(h.getMean() / 1e3));
            for (double p : new double[] {50, 90, 99, 99.9, 99.99}) {
                sb.append(",\"p").append(Report.label(p)).append("\":").append(num(h.getValueAtPercentile(p) / 1e3));
            }
            sb.append(",\"max\":").append(num(h.getMaxValue() / 1e3));
        }
        sb.append("},");
        return this;
    }

    private JsonReport map(String name, Map<String, Long> m) {
        sb.append(quote(name)).append(":{");
        boolean first = true;
        for (var e : m.entrySet()) {
            sb.append(first ? "" : ",").append(quote(e.getKey())).append(':').append(e.getValue());
            first = false;
        }
        sb.append("},");
        return this;
    }

    private static String num(double d) {
        return Double.isFinite(d) ? "%.3f".formatted(d) : "null";
    }

    static String quote(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\r' -> q.append("\\r");
                case '\t' -> q.append("\\t");
                default -> q.append(c < 0x20 ? "\\u%04x".formatted((int) c) : String.valueOf(c));
            }
        }
        return q.append('"').toString();
    }
}
