package io.jswoole;

/**
 * The one unchecked exception family of jswoole. Each carries a stable {@link ErrorCode}.
 */
public class SwooleException extends RuntimeException {
    private final ErrorCode error;

    public SwooleException(ErrorCode error, String message) {
        super(message);
        this.error = error;
    }

    public SwooleException(ErrorCode error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    public ErrorCode error() {
        return error;
    }

    /** Swoole's numeric code. */
    public int code() {
        return error.code();
    }
}
