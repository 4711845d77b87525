package io.jswoole.protocol.frame;

import io.jswoole.ErrorCode;
import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * {@code package_length_func}: asks a {@link PackageLengthFunction} for the total length of the packet at the
 * start of the buffered bytes, each time bytes arrive while that length is unknown.
 */
final class LengthFunctionDecoder extends FrameDecoder {
    private final PackageLengthFunction function;
    /** Total length of the packet at the reader index, or -1 while the function has not told it. */
    private int total = -1;
    /** Bytes the function saw when it last answered 0: it is not asked again until more arrive. */
    private int seen;

    LengthFunctionDecoder(PackageLengthFunction function, int maxLength) {
        super(maxLength);
        this.function = function;
    }

    @Override
    void decodeFrames(ByteBuf in, List<Object> out) {
        if (total < 0) {
            int readable = in.readableBytes();
            if (readable == 0 || readable == seen) {
                return;
            }
            // never show the function more than package_max_length bytes: a packet cannot be longer
            int shown = Math.min(readable, maxLength);
            long answer;
            try {
                answer = function.packageLength(in.nioBuffer(in.readerIndex(), shown).asReadOnlyBuffer());
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError) {
                    throw e;
                }
                throw fail(in, new FrameException(ErrorCode.PROTOCOL_ERROR,
                        "package_length_func threw " + e, e));
            }
            if (answer < 0) {
                throw fail(in, ErrorCode.PROTOCOL_ERROR,
                        "package_length_func rejected " + shown + " bytes of malformed data");
            }
            if (answer == 0) {
                if (readable >= maxLength) {
                    throw fail(in, ErrorCode.PACKAGE_LENGTH_TOO_LARGE,
                            "package_length_func found no length in " + shown + " bytes (package_max_length="
                                    + maxLength + ")");
                }
                seen = readable;
                return;
            }
            if (answer > maxLength) {
                throw tooLarge(in, Long.toString(answer));
            }
            total = (int) answer;
            seen = 0;
        }
        if (in.readableBytes() < total) {
            return;
        }
        out.add(in.readRetainedSlice(total));
        total = -1;
    }
}
