package io.jswoole.cli.bench;

import java.time.Duration;

/** Durations as the command line writes them ({@code 10s}, {@code 500ms}, {@code 250us}, {@code 2m}, {@code 1h}). */
final class Durations {
    private Durations() {
    }

    /** A plain number is seconds. Throws IllegalArgumentException for anything else, or a negative value. */
    static Duration parse(String v) {
        String s = v.trim().toLowerCase(java.util.Locale.ROOT);
        String[][] units = {{"ms", "1000000"}, {"us", "1000"}, {"ns", "1"}, {"s", "1000000000"},
                {"m", "60000000000"}, {"h", "3600000000000"}};
        long scale = 1_000_000_000L;
        for (String[] u : units) {
            if (s.endsWith(u[0])) {
                s = s.substring(0, s.length() - u[0].length());
                scale = Long.parseLong(u[1]);
                break;
            }
        }
        double value;
        try {
            value = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration: " + v);
        }
        if (!(value >= 0) || value * scale > Long.MAX_VALUE / 2.0) {
            throw new IllegalArgumentException("not a duration: " + v);
        }
        return Duration.ofNanos(Math.round(value * scale));
    }

    /** Nanoseconds as a short human figure: {@code 850 us}, {@code 1.25 ms}, {@code 3.40 s}. */
    static String format(double nanos) {
        if (nanos < 1_000) {
            return "%.0f ns".formatted(nanos);
        }
        if (nanos < 1_000_000) {
            return "%.1f us".formatted(nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return "%.2f ms".formatted(nanos / 1e6);
        }
        return "%.2f s".formatted(nanos / 1e9);
    }
}
