package io.jswoole.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.Iterator;
import java.util.Map;

/**
 * The headers that decide how a request is framed and answered, read in one pass over the head (a lookup per
 * header would hash every name again): Host, Content-Length, Transfer-Encoding, Expect, Connection, Upgrade and
 * Content-Type, with how often each appeared.
 */
final class HeadFacts {
    int hosts, lengths, encodings;
    String host, length, encoding, expect, connection, upgrade, contentType;

    static HeadFacts of(HttpHeaders h) {
        HeadFacts f = new HeadFacts();
        Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
        while (it.hasNext()) {
            Map.Entry<CharSequence, CharSequence> e = it.next();
            CharSequence n = e.getKey();
            String v = e.getValue().toString();
            switch (n.length()) {
                case 4 -> {
                    if (AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.HOST)) {
                        f.hosts++;
                        f.host = v;
                    }
                }
                case 6 -> {
                    if (AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.EXPECT)) {
                        f.expect = v;
                    }
                }
                case 7 -> {
                    if (AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.UPGRADE)) {
                        f.upgrade = f.upgrade == null ? v : f.upgrade + "," + v;
                    }
                }
                case 10 -> {
                    if (AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.CONNECTION)) {
                        f.connection = f.connection == null ? v : f.connection + "," + v;
                    }
                }
                case 12 -> {
                    if (AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.CONTENT_TYPE)) {
                        f.contentType = v;
                    }
                }
                case 14 -> {
                    if (AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.CONTENT_LENGTH)) {
                        f.lengths++;
                        f.length = v;
                    }
                }
                case 17 -> {
                    if (AsciiString.contentEqualsIgnoreCase(n, HttpHeaderNames.TRANSFER_ENCODING)) {
                        f.encodings++;
                        f.encoding = v;
                    }
                }
                default -> {
                }
            }
        }
        return f;
    }

    /** Whether the Connection header lists {@code token} (case-insensitive). */
    boolean connectionHas(String token) {
        return lists(connection, token);
    }

    /** Whether the Upgrade header lists {@code token} (case-insensitive; {@code Upgrade: h2c, websocket}). */
    boolean upgradeHas(String token) {
        return lists(upgrade, token);
    }

    /** Whether a comma-separated list of tokens (RFC 9110 5.6.1, optional whitespace around) holds {@code token}. */
    private static boolean lists(String list, String token) {
        if (list == null) {
            return false;
        }
        for (String t : list.split(",")) {
            if (t.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** HTTP/1.1 is persistent unless "close"; HTTP/1.0 only with "keep-alive". */
    boolean keepAlive(HttpVersion v) {
        return v.isKeepAliveDefault() ? !connectionHas("close") : connectionHas("keep-alive");
    }

    /** The declared body length, or -1 (validated digits only: see the guard's checks). */
    long contentLength() {
        return length == null ? -1 : Long.parseLong(length);
    }
}
