package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * A framing decoder found bytes it cannot turn into a packet: a declared length past
 * {@code package_max_length}, a negative or overflowing length field, no delimiter within
 * {@code package_max_length} bytes, a malformed MQTT remaining length, or a
 * {@link PackageLengthFunction} that answered an error.
 * <p>The decoder that threw it discards all input it receives afterwards, so the only sensible reaction is the one
 * Swoole has: log one line and close the connection. Being a {@link CorruptedFrameException} (and so a Netty
 * {@code DecoderException}), it reaches {@code exceptionCaught} unwrapped.
 */
public final class FrameException extends CorruptedFrameException {
    private final ErrorCode error;

    /**
     * @param error   Swoole's error code, {@link ErrorCode#PACKAGE_LENGTH_TOO_LARGE} or {@link ErrorCode#PROTOCOL_ERROR}
     * @param message one line, suitable for the server log
     */
    public FrameException(ErrorCode error, String message) {
        super(message);
        this.error = error;
    }

    /**
     * @param error   Swoole's error code
     * @param message one line, suitable for the server log
     * @param cause   what a user's {@link PackageLengthFunction} threw
     */
    public FrameException(ErrorCode error, String message, Throwable cause) {
        super(message, cause);
        this.error = error;
    }

    /** The error, as Swoole names it. */
    public ErrorCode error() {
        return error;
    }

    /** Swoole's numeric code of {@link #error()}, for example 1201 for a package that is too large. */
    public int code() {
        return error.code();
    }
}
