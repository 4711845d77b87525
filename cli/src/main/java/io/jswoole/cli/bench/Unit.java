package io.jswoole.cli.bench;

import java.util.List;

import io.netty.buffer.ByteBuf;

/**
 * A test unit of {@code ./jswoole bench} (the seeds' {@code -f}): how one request is written and how its reply
 * is recognised and checked. The built-in units are {@code long_tcp}, {@code short_tcp}, {@code udp},
 * {@code eof}, {@code length}, {@code http}, {@code http2}, {@code websocket} and {@code redis};
 * {@code -f com.example.MyUnit} loads a class of one's own (from the class path, or from
 * {@code --unit-path DIR_OR_JAR}).
 *
 * <h2>Writing one</h2>
 * A unit is a public class with a public constructor taking a {@link UnitConfig} (or none). One instance serves
 * every connection of the run, from the generator's event-loop threads at once: keep it immutable, and derive
 * what varies from the request's sequence number. The engine owns timing, pipelining, rates, timeouts and
 * counting; a unit only frames bytes.
 * <pre>{@code
 * public final class LineUnit implements Unit {          // "PING <seq>\n", answered "PONG <seq>\n"
 *     public void writeRequest(ByteBuf out, long seq) {
 *         out.writeCharSequence("PING " + seq + "\n", StandardCharsets.US_ASCII);
 *     }
 *     public int replyLength(ByteBuf in) {
 *         int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
 *         return nl < 0 ? 0 : nl - in.readerIndex() + 1;
 *     }
 *     public String check(ByteBuf reply, long seq, boolean verify) {
 *         return !verify || reply.toString(StandardCharsets.US_ASCII).equals("PONG " + seq + "\n")
 *                 ? null : Unit.CONTENT_MISMATCH;
 *     }
 * }
 * }</pre>
 * then {@code ./jswoole bench -f LineUnit --unit-path classes/ -s tcp://127.0.0.1:9501 -c 8 -d 5s --verify}.
 *
 * <p>Replies are matched to requests in order (first reply, oldest request), as on a TCP stream; with
 * {@code -P N} up to N requests of a connection wait for their replies.
 */
public interface Unit {
    /** The error class of a reply whose content is not what was sent or expected. */
    String CONTENT_MISMATCH = "content mismatch";
    /** The error class of bytes that cannot be a reply of the protocol. */
    String PROTOCOL_ERROR = "protocol error";

    /** What carries the requests. */
    enum Transport {
        /** A byte stream: TCP or a Unix stream socket; replies are cut out of it by {@link #replyLength}. */
        STREAM,
        /** Datagrams: each datagram received is one whole reply. */
        DATAGRAM,
        /**
         * HTTP/2 through Netty's codec (h2c by prior knowledge on {@code tcp://}, h2 by ALPN on {@code tls://}):
         * each request is a stream of the client's connection, {@code -P}/{@code -m} streams at once;
         * {@link #writeRequest} writes the body only.
         * Built in ({@code http2}); not for units of one's own.
         */
        HTTP2
    }

    /** The transport this unit speaks; {@link Transport#STREAM} unless overridden. */
    default Transport transport() {
        return Transport.STREAM;
    }

    /**
     * The protocols offered by ALPN when the target is {@code tls://} ({@code h2}, {@code http/1.1}), empty for
     * none; when not empty, a connection whose server chose none of them fails as a protocol error.
     */
    default List<String> alpn() {
        return List.of();
    }

    /** True when each request gets a connection of its own (connect, one request, its reply, close). */
    default boolean connectionPerRequest() {
        return false;
    }

    /** Whether requests may be pipelined ({@code -P} above 1). */
    default boolean pipelining() {
        return true;
    }

    /**
     * Bytes to write once a connection is open, before any request (a WebSocket upgrade), or null for none.
     * Its answer is cut out by {@link #handshakeLength} and checked by {@link #checkHandshake}.
     */
    default byte[] handshake() {
        return null;
    }

    /** Like {@link #replyLength}, for the handshake's answer. */
    default int handshakeLength(ByteBuf in) {
        return 0;
    }

    /** Null when the handshake succeeded, else the error class (the connection is then closed). */
    default String checkHandshake(ByteBuf reply) {
        return null;
    }

    /** Writes request number {@code seq} (0, 1, 2... per connection) into {@code out}. */
    void writeRequest(ByteBuf out, long seq);

    /**
     * The length of the next reply, which starts at {@code in.readerIndex()}: a positive number is a whole reply
     * of that many bytes, 0 means more bytes are needed, a negative number means the bytes cannot be a reply
     * (a protocol error: the connection is closed). Must not move the indexes. Not called for datagrams.
     */
    int replyLength(ByteBuf in);

    /**
     * Whether the frame just cut out answers a request (true unless overridden). A frame that does not (a
     * WebSocket ping, or a fragment before the last) is passed over.
     */
    default boolean isReply(ByteBuf frame) {
        return true;
    }

    /**
     * Checks the reply to request {@code seq}: null when it is good, else the error class it is counted under
     * ({@link #CONTENT_MISMATCH}, {@code "status 404"}, {@code "redis error ERR"}...). {@code verify} is
     * {@code --verify}: without it, check only what costs nothing (a status line). The buffer is valid during the
     * call only.
     */
    default String check(ByteBuf reply, long seq, boolean verify) {
        return null;
    }

    /** True when the server closes the connection after this reply (a WebSocket close frame). */
    default boolean closesAfter(ByteBuf reply) {
        return false;
    }
}
