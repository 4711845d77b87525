package io.jswoole.http;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** HTTP dates (RFC 9110 IMF-fixdate); the current one is formatted once per second. */
final class HttpDate {
    static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private record Cached(long second, io.netty.util.AsciiString text) {
    }

    private static volatile Cached cached = new Cached(-1, io.netty.util.AsciiString.EMPTY_STRING);

    private HttpDate() {
    }

    /** The current date (an AsciiString: Netty copies it into the response in one go). */
    static io.netty.util.AsciiString now() {
        long s = System.currentTimeMillis() / 1000;
        Cached c = cached;
        if (c.second != s) {
            c = new Cached(s, new io.netty.util.AsciiString(FORMAT.format(Instant.ofEpochSecond(s))));
            cached = c;
        }
        return c.text;
    }

    static String format(long epochMillis) {
        return FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Seconds since the epoch of an HTTP date, or -1 when it does not parse. */
    static long parseSeconds(String s) {
        try {
            return Instant.from(FORMAT.parse(s.trim())).getEpochSecond();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
