package io.jswoole.http;

import io.netty.util.AsciiString;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Set-Cookie lines of a response, in Swoole's format ({@code swoole_http_cookie.cc}): {@code path=},
 * {@code domain=} and {@code secure} in lower case, then {@code HttpOnly}, {@code SameSite=}, {@code Priority=},
 * {@code Partitioned}.
 */
final class Cookies {
    private static final DateTimeFormatter EXPIRES =
            DateTimeFormatter.ofPattern("EEE, dd-MMM-yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private final List<String> lines = new ArrayList<>();

    void add(boolean encode, String name, String value, long expires, String path, String domain, boolean secure,
             boolean httpOnly, String sameSite, String priority, boolean partitioned) {
        if (name == null || name.isEmpty() || !name.chars().allMatch(Cookies::tokenChar)) {
            throw new IllegalArgumentException("bad cookie name '" + name + "'");
        }
        String v = value == null ? "" : value;
        if (encode) {
            v = URLEncoder.encode(v, StandardCharsets.UTF_8).replace("+", "%20");
        } else if (!v.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f && ch != ';' && ch != ',' && ch != '"')) {
            throw new IllegalArgumentException("raw cookie value of '" + name + "' has a character that needs "
                    + "encoding");
        }
        checkAttr("path", path);
        checkAttr("domain", domain);
        StringBuilder sb = new StringBuilder(name).append('=');
        if (v.isEmpty()) {
            sb.append("deleted; expires=").append(EXPIRES.format(Instant.ofEpochSecond(1))).append("; Max-Age=0");
        } else {
            sb.append(v);
            if (expires > 0) {
                long maxAge = expires - System.currentTimeMillis() / 1000;
                sb.append("; expires=").append(EXPIRES.format(Instant.ofEpochSecond(expires)))
                        .append("; Max-Age=").append(Math.max(0, maxAge));
            }
        }
        if (path != null && !path.isEmpty()) {
            sb.append("; path=").append(path);
        }
        if (domain != null && !domain.isEmpty()) {
            sb.append("; domain=").append(domain);
        }
        if (secure) {
            sb.append("; secure");
        }
        if (httpOnly) {
            sb.append("; HttpOnly");
        }
        if (sameSite != null && !sameSite.isEmpty()) {
            String s = sameSite.toLowerCase(Locale.ROOT);
            if (!s.equals("strict") && !s.equals("lax") && !s.equals("none")) {
                throw new IllegalArgumentException("samesite must be Strict, Lax or None, got '" + sameSite + "'");
            }
            sb.append("; SameSite=").append(sameSite);
        }
        if (priority != null && !priority.isEmpty()) {
            String p = priority.toLowerCase(Locale.ROOT);
            if (!p.equals("low") && !p.equals("medium") && !p.equals("high")) {
                throw new IllegalArgumentException("priority must be Low, Medium or High, got '" + priority + "'");
            }
            sb.append("; Priority=").append(priority);
        }
        if (partitioned) {
            sb.append("; Partitioned");
        }
        lines.add(sb.toString());
    }

    private static void checkAttr(String what, String v) {
        if (v != null && !v.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f && ch != ';')) {
            throw new IllegalArgumentException("bad cookie " + what + " '" + v + "'");
        }
    }

    private static boolean tokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    void addTo(HeaderList headers) {
        for (String l : lines) {
            headers.add(Names.SET_COOKIE, AsciiString.of(l));
        }
    }
}
