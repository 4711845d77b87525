package io.jswoole;

/**
 * Swoole's error codes ({@code include/swoole_error.h}), with the same numbers, so that logs and
 * {@link SwooleException#code()} read the same as in Swoole. Only the codes jswoole raises are listed.
 */
public enum ErrorCode {
    MALLOC_FAIL(501, "unable to allocate memory"),
    INVALID_PARAMS(505, "invalid parameters"),
    QUEUE_FULL(506, "queue full"),
    OPERATION_NOT_SUPPORT(507, "operation not supported"),
    PROTOCOL_ERROR(508, "protocol error"),
    WRONG_OPERATION(509, "wrong operation"),

    SESSION_CLOSED_BY_SERVER(1001, "session closed by server"),
    SESSION_CLOSED_BY_CLIENT(1002, "session closed by client"),
    SESSION_CLOSING(1003, "session is closing"),
    SESSION_CLOSED(1004, "session closed"),
    SESSION_NOT_EXIST(1005, "session does not exist"),
    SESSION_INVALID_ID(1006, "invalid session id"),
    SESSION_DISCARD_TIMEOUT_DATA(1007, "data discarded: the session closed before it was dispatched"),
    SESSION_DISCARD_DATA(1008, "data discarded"),
    OUTPUT_BUFFER_OVERFLOW(1009, "output buffer overflow"),

    PACKAGE_LENGTH_TOO_LARGE(1201, "package length too large"),
    DATA_LENGTH_TOO_LARGE(1203, "data length too large"),

    TASK_PACKAGE_TOO_BIG(2001, "task package too big"),
    TASK_DISPATCH_FAIL(2002, "task dispatch failed: the task queue is full or no task worker fits"),
    TASK_TIMEOUT(2003, "task timed out"),

    SERVER_TOO_MANY_SOCKET(9002, "too many connections"),
    SERVER_INVALID_LISTEN_PORT(9004, "invalid listen port"),
    SERVER_NO_IDLE_WORKER(9007, "no idle worker"),
    SERVER_ONLY_START_ONE(9008, "the server can be started only once"),
    SERVER_INVALID_REQUEST(9010, "invalid request"),

    CO_OUT_OF_COROUTINE(10001, "exceed max number of coroutine"),
    CO_MUTEX_DOUBLE_UNLOCK(10004, "coroutine mutex unlocked by a coroutine that does not hold it"),
    CO_CANNOT_CANCEL(10015, "coroutine cannot be canceled"),
    CO_NOT_EXISTS(10016, "coroutine does not exist"),
    CO_CANCELED(10017, "coroutine canceled"),
    CO_TIMEDOUT(10018, "operation timed out");

    private final int code;
    private final String message;

    ErrorCode(int code, String message) {
        this.code = code;
        this.message = message;
    }

    /** The error with numeric code {@code code}, or null for none (0) or an unknown one. */
    public static ErrorCode of(int code) {
        for (ErrorCode e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return null;
    }

    /** The numeric code, as {@code swoole_last_error()} returns it. */
    public int code() {
        return code;
    }

    /** The text {@code swoole_strerror()} gives for this code. */
    public String message() {
        return message;
    }
}
