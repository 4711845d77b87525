package io.jswoole.protocol.frame;

import java.nio.ByteBuffer;

/**
 * Swoole's {@code package_length_func}: a custom parser that tells, from the bytes received so far, how long the
 * packet at their start is.
 * <p>The decoder calls it each time bytes arrive while the length of the current packet is unknown. It receives a
 * read-only view of every buffered byte of the connection, position 0 at the start of the packet; the view is only
 * valid during the call (do not keep it). Answers:
 * <ul>
 * <li>{@code 0}: need more bytes; called again when more arrive. If {@code package_max_length} bytes are buffered
 * and the answer is still 0, the connection is closed.</li>
 * <li>{@code -1} (or any negative value): the data is malformed; the connection is closed.</li>
 * <li>{@code N > 0}: the packet is the first {@code N} bytes (header included); it is delivered once all
 * {@code N} bytes have arrived, and {@code N} larger than {@code package_max_length} closes the connection before
 * anything is buffered for it.</li>
 * </ul>
 * An exception thrown by the function counts as {@code -1}. The function runs on the connection's event loop:
 * keep it short and free of blocking calls. Example, a one-byte type then a big-endian 16-bit body length:
 * <pre>{@code
 * PackageLengthFunction f = data -> data.remaining() < 3 ? 0 : 3 + Short.toUnsignedInt(data.getShort(1));
 * }</pre>
 */
@FunctionalInterface
public interface PackageLengthFunction {
    /** Answer for the buffered bytes: 0 = need more, negative = error, N = total length of the first packet. */
    long packageLength(ByteBuffer data);
}
