package io.jswoole.server;

/**
 * {@code dispatch_func}: chooses the worker for an event in THREAD mode, instead of {@code dispatch_mode}.
 * <p>It runs on a reactor thread, for every event, so it must be fast and must not block. {@code data} is at most
 * the first 8 KiB of a packet (empty for connect and close).
 */
@FunctionalInterface
public interface DispatchFunction {
    /** Event types passed as {@code type}, with Swoole's numbers. */
    int TYPE_DATA = 0, TYPE_CLOSE = 3, TYPE_CONNECT = 4;
    /** Drop this packet ({@code SWOOLE_DISPATCH_RESULT_DISCARD_PACKET}). */
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
