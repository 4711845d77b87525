package io.jswoole.server;

/** Socket types, with Swoole's numbers ({@code SWOOLE_SOCK_TCP} ...). */
public enum SockType {
    TCP(1, true), UDP(2, false), TCP6(3, true), UDP6(4, false), UNIX_STREAM(5, true), UNIX_DGRAM(6, false);

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
