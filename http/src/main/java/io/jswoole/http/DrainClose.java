package io.jswoole.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The graceful stop's mark on a response that was made before the server knew (by a worker thread or a worker JVM,
 * whose bytes come encoded): its head says {@code Connection: close}, so that a keep-alive client sends nothing more
 * on a connection about to end. Rare (once per connection per shutdown), so it copies.
 */
final class DrainClose {
    private DrainClose() {
    }

    /** Whether {@code msg} starts a final response (not a 1xx: 100 Continue and 101 are not the answer's head). */
    static boolean isFinalHead(Object msg) {
        if (msg instanceof HttpResponse r) {
            return r.status().code() >= 200;
        }
        if (msg instanceof ByteBuf b && b.readableBytes() >= 12) {
            int i = b.readerIndex();
            return b.getByte(i) == 'H' && b.getByte(i + 4) == '/' && b.getByte(i + 8) == ' '
                    && b.getByte(i + 9) >= '2' && b.getByte(i + 9) <= '9';
        }
        return false;
    }

    /** {@code msg} (a final head, see {@link #isFinalHead}) with {@code Connection: close} in place of any other. */
    static Object mark(Object msg) {
        if (msg instanceof HttpResponse r) {
            r.headers().set(Names.CONNECTION, HttpHeaderValues.CLOSE);
            return r;
        }
        ByteBuf b = (ByteBuf) msg;
        String text = b.toString(StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        int statusEnd = text.indexOf("\r\n");
        if (statusEnd < 0) {
            return b; // not even a whole status line: leave it; the close after it still comes
        }
        StringBuilder head = new StringBuilder(text.length() + 19).append(text, 0, statusEnd + 2);
        int from = statusEnd + 2;
        int end = headEnd < 0 ? statusEnd + 2 : headEnd + 2;
        while (from < end) {
            int eol = text.indexOf("\r\n", from);
            if (!text.regionMatches(true, from, "connection:", 0, 11)) {
                head.append(text, from, eol + 2);
            }
            from = eol + 2;
        }
        head.append("Connection: close\r\n").append(text, end, text.length());
        b.release();
        return Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
