package io.jswoole.server;

/**
 * {@code dispatch_func}: chooses the worker for an event in THREAD mode, instead of {@code dispatch_mode}.
 * <p>It runs on a reactor thread, for every event, so it must be fast and must not block. {@code data} is at most
 * the first 8 KiB of a packet (empty for connect and close).
 */
@FunctionalInterface
public interface DispatchFunction {
    /**
     * Event types passed as {@code type}, with Swoole's numbers. For a datagram ({@code TYPE_PACKET}, Swoole's
     * {@code SW_SERVER_EVENT_RECV_DGRAM}) {@code fd} is the client's address as Swoole computes it: an IPv4 address's
     * four bytes in network order read as a little-endian int (PHP's {@code unpack('L', pack('N', ip2long($ip)))};
     * negative here when the last octet is 128 or more: use {@code Integer.remainderUnsigned}), or for IPv6 the
     * CRC-32 of the client's {@code sockaddr_in6}, its port included.
     */
    int TYPE_DATA = 0, TYPE_PACKET = 1, TYPE_CLOSE = 3, TYPE_CONNECT = 4;
    /** Drop this packet ({@code SWOOLE_DISPATCH_RESULT_DISCARD_PACKET}; for a datagram, also -2 drops it). */
    int DISCARD_PACKET = -1;
    /** Close the connection ({@code SWOOLE_DISPATCH_RESULT_CLOSE_CONNECTION}). */
    int CLOSE_CONNECTION = -2;
    /** Use {@code dispatch_mode} for this event ({@code SWOOLE_DISPATCH_RESULT_USERFUNC_FALLBACK}). */
    int USERFUNC_FALLBACK = -3;

    /**
     * @return a worker id in {@code [0, worker_num)}, or one of the negative results above
     */
    int dispatch(Server server, int fd, int type, byte[] data);
}
