package io.jswoole.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * The headers of a {@link Response}: a few name/value pairs in order, names compared without case. Cheaper than
 * a hashed header map for the handful a response carries, and written straight into the response bytes
 * ({@link #encode}). Names and values are checked where they come in ({@link Response#header}).
 *
 * <p>As in Swoole, a header the response would otherwise set itself (Server, Connection, Content-Type,
 * Content-Length, Content-Encoding, Transfer-Encoding) set to the empty string is not sent and keeps the default
 * out: {@code Content-Length: ""} before {@code end()} sends a head without a length, after which the handler may
 * {@code send()} raw bytes ({@code swoole_http_server/event_stream2.phpt}).
 */
final class HeaderList {
    private AsciiString[] names = new AsciiString[8];
    private AsciiString[] values = new AsciiString[8];
    private int size;

    /** Replaces every header named {@code name} with this one (in the first one's place). */
    void set(AsciiString name, AsciiString value) {
        for (int i = 0; i < size; i++) {
            if (names[i].contentEqualsIgnoreCase(name)) {
                names[i] = name;
                values[i] = value;
                removeFrom(name, i + 1);
                return;
            }
        }
        add(name, value);
    }

    void add(AsciiString name, AsciiString value) {
        if (size == names.length) {
            names = java.util.Arrays.copyOf(names, size * 2);
            values = java.util.Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size++] = value;
    }

    boolean contains(AsciiString name) {
        for (int i = 0; i < size; i++) {
            if (names[i].contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a header {@code name} lists {@code token} among its comma-separated values (case ignored). */
    boolean containsToken(AsciiString name, AsciiString token) {
        for (int i = 0; i < size; i++) {
            if (names[i].contentEqualsIgnoreCase(name)) {
                for (String part : values[i].toString().split(",")) {
                    if (part.trim().equalsIgnoreCase(token.toString())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    void remove(AsciiString name) {
        removeFrom(name, 0);
    }

    /** Removes the headers named {@code name} at {@code from} and after. */
    private void removeFrom(AsciiString name, int from) {
        int j = from;
        for (int i = from; i < size; i++) {
            if (!names[i].contentEqualsIgnoreCase(name)) {
                names[j] = names[i];
                values[j++] = values[i];
            }
        }
        for (int i = j; i < size; i++) {
            names[i] = null;
            values[i] = null;
        }
        size = j;
    }

    /** Whether {@code name} was set to the empty string (see the class comment). */
    boolean blank(AsciiString name) {
        AsciiString v = get(name);
        return v != null && v.isEmpty();
    }

    /** Header {@code i} is an empty one Swoole leaves out. */
    private boolean silent(int i) {
        if (!values[i].isEmpty()) {
            return false;
        }
        AsciiString n = names[i];
        return n.contentEqualsIgnoreCase(Names.CONTENT_LENGTH) || n.contentEqualsIgnoreCase(Names.CONTENT_ENCODING)
                || n.contentEqualsIgnoreCase(Names.CONTENT_TYPE) || n.contentEqualsIgnoreCase(Names.SERVER)
                || n.contentEqualsIgnoreCase(Names.CONNECTION) || n.contentEqualsIgnoreCase(Names.TRANSFER_ENCODING);
    }

    /** The value of the first header {@code name}, or null. */
    AsciiString get(AsciiString name) {
        for (int i = 0; i < size; i++) {
            if (names[i].contentEqualsIgnoreCase(name)) {
                return values[i];
            }
        }
        return null;
    }

    /** Netty's header map, for the responses Netty's encoder writes (chunked, files, trailers, upgrades). */
    HttpHeaders toNetty() {
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (int i = 0; i < size; i++) {
            if (!silent(i)) {
                h.add(names[i], values[i]);
            }
        }
        return h;
    }

    /** The bytes each header takes on the wire, for sizing a buffer. */
    int encodedLength() {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += silent(i) ? 0 : names[i].length() + values[i].length() + 4;
        }
        return n;
    }

    /** Writes {@code Name: value\r\n} for each header into {@code out} from {@code at}; returns where it ended. */
    int encode(byte[] out, int at) {
        for (int i = 0; i < size; i++) {
            if (silent(i)) {
                continue;
            }
            at = copy(names[i], out, at);
            out[at++] = ':';
            out[at++] = ' ';
            at = copy(values[i], out, at);
            out[at++] = '\r';
            out[at++] = '\n';
        }
        return at;
    }

    private static int copy(AsciiString s, byte[] out, int at) {
        System.arraycopy(s.array(), s.arrayOffset(), out, at, s.length());
        return at + s.length();
    }
}
