package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Base of the framing decoders made by {@link FrameSpec#newDecoder()}: each emits one {@link ByteBuf} per complete
 * packet (a retained slice of the received bytes, no copy; the next handler releases it).
 * <p>The first framing error is thrown as a {@link FrameException}; from then on the decoder discards every byte
 * it receives and emits nothing, so a handler that closes the connection in {@code exceptionCaught} sees exactly
 * one error. Partial packets still buffered when the connection closes are dropped, as Swoole does.
 * <p>Not sharable: one instance per connection.
 */
public abstract sealed class FrameDecoder extends ByteToMessageDecoder
        permits EofCheckDecoder, EofSplitDecoder, LengthFieldDecoder, LengthFunctionDecoder, MqttFrameDecoder {

    /** {@code package_max_length}: no packet (and no buffered undecided data) may be longer. */
    protected final int maxLength;
    private boolean failed;

    FrameDecoder(int maxLength) {
        this.maxLength = maxLength;
    }

    /** Whether this decoder has thrown its {@link FrameException} and now discards input. */
    public final boolean failed() {
        return failed;
    }

    /** The {@code package_max_length} this decoder enforces. */
    public final int maxLength() {
        return maxLength;
    }

    /** Capacity of the buffer holding the bytes not yet emitted (0 when none): lets tests see what is held. */
    final int bufferCapacity() {
        return internalBuffer().capacity();
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        decodeFrames(in, out);
    }

    /**
     * Emits the complete packets at the start of {@code in} (reading them), or nothing when the first packet is
     * incomplete. {@link ByteToMessageDecoder} calls this again while it makes progress.
     */
    abstract void decodeFrames(ByteBuf in, List<Object> out);

    /** Marks the decoder failed, drops the buffered bytes and answers the exception for the caller to throw. */
    final FrameException fail(ByteBuf in, ErrorCode error, String message) {
        return fail(in, new FrameException(error, message));
    }

    final FrameException fail(ByteBuf in, FrameException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return e;
    }

    /** The error for a declared packet length past {@code package_max_length}. */
    final FrameException tooLarge(ByteBuf in, String declared) {
        return fail(in, ErrorCode.PACKAGE_LENGTH_TOO_LARGE,
                "package is too big: length=" + declared + ", package_max_length=" + maxLength);
    }
}
