package io.jswoole.http;

/**
 * A connection-level HTTP/2 frame a {@link Response} asks for ({@code ping()}, {@code goaway()}), carried to the
 * connection as a response piece is (also from a worker JVM).
 *
 * @param goaway    a GOAWAY (else a PING)
 * @param errorCode the GOAWAY's error code
 * @param debug     the GOAWAY's debug data
 */
record H2Control(boolean goaway, long errorCode, String debug) {
    static final H2Control PING = new H2Control(false, 0, "");
}
