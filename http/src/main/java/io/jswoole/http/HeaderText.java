package io.jswoole.http;

import io.netty.handler.codec.http.HttpHeaderValidationUtil;
import io.netty.util.AsciiString;

/**
 * Header names and values as a {@link Response} writes them: names formatted as Swoole does ({@code Content-Type}),
 * names and values checked (no header injection), and the common ones made once.
 */
final class HeaderText {
    private HeaderText() {
    }

    /** Formatted header names, made once per name (an application sets the same few names again and again). */
    private static final java.util.concurrent.ConcurrentHashMap<String, AsciiString> NAMES =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The names and short values set lately, by identity (most are string constants): one array read instead of a map
     * lookup, or of a copy and a check per value. Entries are immutable, so racing threads only lose a hit.
     */
    private record Seen(String text, AsciiString ascii) {
    }

    private static final int SEEN = 64;
    private static final Seen[] SEEN_NAMES = new Seen[SEEN];
    private static final Seen[] SEEN_VALUES = new Seen[SEEN];

    static AsciiString formattedName(String name) {
        int slot = System.identityHashCode(name) & (SEEN - 1);
        Seen seen = SEEN_NAMES[slot];
        if (seen != null && seen.text == name) {
            return seen.ascii;
        }
        AsciiString a = NAMES.get(name);
        if (a != null) {
            SEEN_NAMES[slot] = new Seen(name, a);
        } else {
            a = checkedName(formatName(name));
            if (NAMES.size() < 1024) { // bounded: names built from request data must not grow it forever
                NAMES.putIfAbsent(name, a);
            }
        }
        return a;
    }

    /** A header name: a token (RFC 9110), else an IllegalArgumentException (no header injection). */
    static AsciiString checkedName(String name) {
        AsciiString a = AsciiString.of(name);
        if (name.isEmpty() || HttpHeaderValidationUtil.validateToken(a) >= 0) {
            throw new IllegalArgumentException("invalid header name '" + name + "'");
        }
        return a;
    }

    /**
     * A header value without CR, LF or other control characters, else an IllegalArgumentException; spaces and tabs
     * around it are dropped, as Swoole drops them.
     */
    static AsciiString checkedValue(String value) {
        if (!value.isEmpty() && (isBlank(value.charAt(0)) || isBlank(value.charAt(value.length() - 1)))) {
            value = trimBlanks(value);
        }
        boolean small = value.length() <= 64; // long values (tokens, cookies) are not kept
        int slot = System.identityHashCode(value) & (SEEN - 1);
        Seen seen = small ? SEEN_VALUES[slot] : null;
        if (seen != null && seen.text == value) {
            return seen.ascii;
        }
        AsciiString a = AsciiString.of(value);
        if (HttpHeaderValidationUtil.validateValidHeaderValue(a) >= 0) {
            throw new IllegalArgumentException("invalid header value '" + value + "'");
        }
        if (small) {
            SEEN_VALUES[slot] = new Seen(value, a);
        }
        return a;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static String trimBlanks(String v) {
        int from = 0, to = v.length();
        while (from < to && isBlank(v.charAt(from))) {
            from++;
        }
        while (to > from && isBlank(v.charAt(to - 1))) {
            to--;
        }
        return v.substring(from, to);
    }

    private static boolean isFormatted(String name) {
        boolean up = true;
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (up ? Character.toUpperCase(ch) != ch : Character.toLowerCase(ch) != ch) {
                return false;
            }
            up = ch == '-';
        }
        return true;
    }

    private static final AsciiString[] SMALL_LENGTHS = new AsciiString[1024];

    /** A Content-Length value; the common small ones are made once. */
    static AsciiString length(int n) {
        if (n >= SMALL_LENGTHS.length) {
            return AsciiString.of(Integer.toString(n));
        }
        AsciiString a = SMALL_LENGTHS[n];
        if (a == null) {
            a = AsciiString.cached(Integer.toString(n));
            SMALL_LENGTHS[n] = a;
        }
        return a;
    }

    private static String formatName(String name) {
        if (isFormatted(name)) {
            return name;
        }
        char[] c = name.toCharArray();
        boolean up = true;
        for (int i = 0; i < c.length; i++) {
            c[i] = up ? Character.toUpperCase(c[i]) : Character.toLowerCase(c[i]);
            up = c[i] == '-';
        }
        return new String(c);
    }
}
