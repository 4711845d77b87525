package io.jswoole.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.util.List;

/**
 * Netty's request decoder with four changes: the first byte of each request starts the header deadline (so an
 * idle keep-alive connection is not timed, but a trickled head is); a request with both Transfer-Encoding and
 * Content-Length is a decoder failure (answered 400 and closed) instead of being read as chunked; and obs-fold or
 * control characters before the request line are decoder failures instead of being tolerated; so is a request
 * target that is not visible ASCII.
 */
final class RequestDecoder extends HttpRequestDecoder {
    private final HttpConn conn;
    /** Lines of the current head were consumed already (the buffer starts inside a head). */
    private boolean midHead;

    RequestDecoder(HttpConn conn, HttpDecoderConfig config) {
        super(config);
        this.conn = conn;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        HttpGuard guard = conn.guard;
        if (guard != null) {
            guard.readStarted();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        HttpGuard guard = conn.guard;
        if (guard == null || !guard.awaitingHead()) {
            super.decode(ctx, buffer, out);
            return;
        }
        if (buffer.isReadable()) {
            guard.bytesArrived();
        }
        String bad = badHead(buffer, midHead);
        if (bad != null) {
            buffer.skipBytes(buffer.readableBytes());
            HttpMessage m = createInvalidMessage();
            m.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(bad)));
            out.add(m);
            return;
        }
        int before = buffer.readerIndex();
        super.decode(ctx, buffer, out);
        if (out.isEmpty()) {
            midHead |= buffer.readerIndex() > before;
        } else {
            midHead = false;
        }
    }

    /**
     * What Netty would accept in a head but RFC 9112 says to reject: a control character before the request line
     * (Netty skips them) and obs-fold, a line that starts with a space or tab (Netty joins it to the previous
     * header). Netty consumes a head line by line, so the buffer starts at a line start; {@code midHead} says
     * whether the lines before it belong to this head. Reads up to the blank line that ends the head, a line at a
     * time ({@link ByteBuf#indexOf} finds each line's end several bytes per step).
     */
    static String badHead(ByteBuf buf, boolean midHead) {
        int i = buf.readerIndex();
        int end = buf.writerIndex();
        boolean started = midHead;
        if (!started) {
            while (i < end && (buf.getByte(i) == '\r' || buf.getByte(i) == '\n')) {
                i++;
            }
            if (i < end) {
                byte b = buf.getByte(i);
                if ((b >= 0 && b < 0x20) || b == 0x7f) {
                    return "a control character before the request line";
                }
            }
        }
        while (i < end) {
            byte first = buf.getByte(i);
            if (started && (first == ' ' || first == '\t')) {
                return "obs-fold (a header line starting with whitespace)";
            }
            int eol = buf.indexOf(i, end, (byte) '\n');
            if (eol < 0) {
                return null;
            }
            int j = i;
            while (j < eol && buf.getByte(j) == '\r') {
                j++;
            }
            if (j == eol && started) {
                return null; // the blank line: the head ends here
            }
            started = true;
            i = eol + 1;
        }
        return null;
    }

    /**
     * A request target is visible ASCII (RFC 9112 3.2, RFC 3986): a raw byte of 0x80 or more (UTF-8 sent
     * unencoded) or a control character is a decoder failure, answered 400 as Swoole's parser does
     * ({@code swoole_http_server/bug_2751.phpt}).
     */
    @Override
    protected HttpMessage createMessage(String[] initialLine) throws Exception {
        String target = initialLine[1];
        for (int k = 0; k < target.length(); k++) {
            char c = target.charAt(k);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("a request target with a byte that is not visible ASCII: 0x"
                        + Integer.toHexString(c));
            }
        }
        return super.createMessage(initialLine);
    }

    /** Bytes read past a request that switched the connection (h2c) belong to no HTTP/1.1 request: dropped. */
    void discardBuffered() {
        ByteBuf b = internalBuffer();
        b.skipBytes(b.readableBytes());
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length");
    }
}
