package io.jswoole.server;

/** Socket types, with Swoole's numbers ({@code SWOOLE_SOCK_TCP} ...), and the {@link #SSL} flag. */
public enum SockType {
    TCP(1, true), UDP(2, false), TCP6(3, true), UDP6(4, false), UNIX_STREAM(5, true), UNIX_DGRAM(6, false);

    /**
     * Swoole's {@code SWOOLE_SSL} flag: a stream port made with it speaks TLS
     * ({@code new Server(host, port, mode, SockType.TCP, SockType.SSL)}, {@code addListener(host, port, type,
     * SockType.SSL)}), with the certificate and the rest from the port's {@code ssl_*} settings.
     */
    public static final int SSL = 1 << 9;

    private final int value;
    private final boolean stream;

    SockType(int value, boolean stream) {
        this.value = value;
        this.stream = stream;
    }

    public int value() {
        return value;
    }

    /** Stream sockets have connections (connect, receive, close); datagram sockets deliver packets. */
    public boolean isStream() {
        return stream;
    }

    public boolean isUnix() {
        return this == UNIX_STREAM || this == UNIX_DGRAM;
    }
}
