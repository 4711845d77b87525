package io.jswoole.client;

import io.netty.handler.codec.http2.Http2Settings;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of an {@link Http2Client}, checked by name when they are set: {@code timeout} and
 * {@code connect_timeout} (seconds), the SETTINGS the client advertises under Swoole's {@code http2_*} names
 * ({@code http2_header_table_size}, {@code http2_init_window_size} or OpenSwoole's
 * {@code http2_initial_window_size}, {@code http2_max_frame_size}, {@code http2_max_header_list_size},
 * {@code http2_max_concurrent_streams}, {@code http2_enable_push} false only: pushed streams are refused), and the
 * {@code ssl_*} keys, which {@link ClientTls} checks. Ranges are RFC 9113's (section 6.5.2).
 */
record H2Options(double timeout, double connectTimeout, Http2Settings settings) {
    private static final Set<String> KEYS = Set.of("timeout", "connect_timeout", "http2_header_table_size",
            "http2_init_window_size", "http2_initial_window_size", "http2_max_frame_size",
            "http2_max_header_list_size", "http2_max_concurrent_streams", "http2_enable_push");

    static H2Options of(Map<String, ?> s) {
        for (String k : s.keySet()) {
            if (!k.startsWith("ssl_") && !KEYS.contains(k)) {
                throw new IllegalArgumentException("setting '" + k + "' is not an Http2Client setting jswoole "
                        + "knows; it has " + new TreeSet<>(KEYS) + " and the ssl_* keys");
            }
        }
        if (s.containsKey("http2_init_window_size") && s.containsKey("http2_initial_window_size")) {
            throw new IllegalArgumentException("settings 'http2_init_window_size' and 'http2_initial_window_size' "
                    + "are the same SETTINGS_INITIAL_WINDOW_SIZE: give one");
        }
        if (s.containsKey("http2_enable_push") && !Boolean.FALSE.equals(s.get("http2_enable_push"))
                && !Integer.valueOf(0).equals(s.get("http2_enable_push"))) {
            throw new IllegalArgumentException("setting 'http2_enable_push' can only be false: jswoole's "
                    + "Http2Client refuses pushed streams (as Swoole's, which has no push API)");
        }
        double timeout = seconds(s, "timeout", 5);
        double connect = seconds(s, "connect_timeout", s.containsKey("timeout") ? timeout : 2);
        Http2Settings h = new Http2Settings().pushEnabled(false);
        long v;
        if ((v = number(s, "http2_header_table_size", 0, 0xFFFFFFFFL)) >= 0) {
            h.headerTableSize(v);
        }
        String window = s.containsKey("http2_initial_window_size") ? "http2_initial_window_size"
                : "http2_init_window_size";
        if ((v = number(s, window, 0, Integer.MAX_VALUE)) >= 0) {
            h.initialWindowSize((int) v);
        }
        if ((v = number(s, "http2_max_frame_size", 16_384, 16_777_215)) >= 0) {
            h.maxFrameSize((int) v);
        }
        if ((v = number(s, "http2_max_header_list_size", 1, 0xFFFFFFFFL)) >= 0) {
            h.maxHeaderListSize(v);
        }
        if ((v = number(s, "http2_max_concurrent_streams", 0, 0xFFFFFFFFL)) >= 0) {
            h.maxConcurrentStreams(v);
        }
        return new H2Options(timeout, connect, h);
    }

    private static double seconds(Map<String, ?> s, String k, double def) {
        Object v = s.get(k);
        if (v == null) {
            return def;
        }
        if (!(v instanceof Number n) || Double.isNaN(n.doubleValue())) {
            throw new IllegalArgumentException("setting '" + k + "' must be a number of seconds (negative: no "
                    + "limit), got " + describe(v));
        }
        return n.doubleValue();
    }

    /** The value of {@code k} checked against [min, max], or -1 when absent. */
    private static long number(Map<String, ?> s, String k, long min, long max) {
        Object v = s.get(k);
        if (v == null) {
            return -1;
        }
        if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < min
                || ((Number) v).longValue() > max) {
            throw new IllegalArgumentException("setting '" + k + "' must be an integer from " + min + " to " + max
                    + ", got " + describe(v));
        }
        return ((Number) v).longValue();
    }

    private static String describe(Object v) {
        return v instanceof String str ? "'" + str + "'" : v + " (" + v.getClass().getSimpleName() + ")";
    }
}
