package io.jswoole;

/**
 * {@code swoole_last_error()}: the error of the last failed call on this thread (or coroutine), 0 when none.
 * Methods that answer {@code false} the Swoole way (for example {@code Server.send} to a closed fd) set it.
 */
public final class LastError {
    private static final ThreadLocal<ErrorCode> LAST = new ThreadLocal<>();

    private LastError() {
    }

    /** The code of the last error, or 0. */
    public static int get() {
        ErrorCode e = LAST.get();
        return e == null ? 0 : e.code();
    }

    /** The last error, or {@code null} when none was set. */
    public static ErrorCode error() {
        return LAST.get();
    }

    public static void set(ErrorCode error) {
        LAST.set(error);
    }

    public static void clear() {
        LAST.remove();
    }

    /** Sets {@code error} and answers {@code false}, for methods that fail the Swoole way. */
    public static boolean fail(ErrorCode error) {
        LAST.set(error);
        return false;
    }
}
