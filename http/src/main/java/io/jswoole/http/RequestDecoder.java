package io.jswoole.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.util.List;

/**
 * Netty's request decoder with two changes: the first byte of each request starts the header deadline (so an
 * idle keep-alive connection is not timed, but a trickled head is), and a request with both Transfer-Encoding and
 * Content-Length is a decoder failure (answered 400 and closed) instead of being read as chunked.
 */
final class RequestDecoder extends HttpRequestDecoder {
    private final HttpConn conn;

    RequestDecoder(HttpConn conn, HttpDecoderConfig config) {
        super(config);
        this.conn = conn;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (buffer.isReadable() && conn.guard != null) {
            conn.guard.bytesArrived();
        }
        super.decode(ctx, buffer, out);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("both Transfer-Encoding and Content-Length");
    }
}
