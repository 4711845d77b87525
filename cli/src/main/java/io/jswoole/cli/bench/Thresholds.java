package io.jswoole.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --fail-if 'p99>5ms,errors>0'}: conditions that, when one holds after the run, make the exit code 3
 * (k6's thresholds). Metrics: {@code min p50 p90 p99 p99.9 p99.99 max mean} (latency, corrected under
 * {@code -R}; a duration with a unit, or microseconds), {@code errors} (failed requests and failed connects),
 * {@code failed}, {@code error_rate} (failed per request sent, 0 to 1), {@code rps}; operators
 * {@code > >= < <= ==}.
 */
final class Thresholds {
    private static final Pattern ONE = Pattern.compile("\\s*([a-z_0-9.]+)\\s*(>=|<=|==|>|<)\\s*([0-9.]+[a-z]*)\\s*");
    private static final List<String> METRICS = List.of("min", "p50", "p90", "p99", "p99.9", "p99.99", "max", "mean",
            "errors", "failed", "error_rate", "rps");

    private Thresholds() {
    }

    /** Checks the syntax; answers the expression, or throws naming what is wrong. */
    static String check(String expr) {
        for (String part : expr.split(",")) {
            Matcher m = ONE.matcher(part.toLowerCase(Locale.ROOT));
            if (!m.matches() || !METRICS.contains(m.group(1))) {
                throw new IllegalArgumentException("--fail-if takes conditions such as 'p99>5ms,errors>0,rps<1000' "
                        + "(metrics " + String.join(" ", METRICS) + "), got '" + part.trim() + "'");
            }
            bound(m.group(1), m.group(3));
        }
        return expr;
    }

    /** The conditions that hold for this result, as text ({@code p99 7.20 ms > 5ms}); empty when none. */
    static List<String> violated(String expr, Result r) {
        List<String> out = new ArrayList<>();
        for (String part : expr.split(",")) {
            Matcher m = ONE.matcher(part.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                continue;
            }
            String metric = m.group(1);
            double value = value(metric, r);
            double bound = bound(metric, m.group(3));
            boolean holds = switch (m.group(2)) {
                case ">" -> value > bound;
                case ">=" -> value >= bound;
                case "<" -> value < bound;
                case "<=" -> value <= bound;
                default -> value == bound;
            };
            if (holds) {
                String shown = latency(metric) ? Durations.format(value) : "%,.3f".formatted(value);
                out.add(metric + " " + shown + " " + m.group(2) + " " + m.group(3));
            }
        }
        return out;
    }

    private static boolean latency(String metric) {
        return metric.startsWith("p") || metric.equals("min") || metric.equals("max") || metric.equals("mean");
    }

    private static double bound(String metric, String text) {
        if (latency(metric)) {
            boolean unit = Character.isLetter(text.charAt(text.length() - 1));
            try {
                return Durations.parse(unit ? text : text + "us").toNanos();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--fail-if: " + metric + " takes a duration such as 5ms, got '"
                        + text + "'");
            }
        }
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--fail-if: " + metric + " takes a number, got '" + text + "'");
        }
    }

    private static double value(String metric, Result r) {
        var h = r.latency();
        LoopStats.Counts t = r.total();
        return switch (metric) {
            case "min" -> h.getTotalCount() == 0 ? 0 : h.getMinValue();
            case "max" -> h.getMaxValue();
            case "mean" -> h.getMean();
            case "errors" -> t.errorCount();
            case "failed" -> t.failed;
            case "error_rate" -> t.sent == 0 ? 0 : (double) t.failed / t.sent;
            case "rps" -> r.requestsPerSecond();
            default -> h.getValueAtPercentile(Double.parseDouble(metric.substring(1)));
        };
    }
}
