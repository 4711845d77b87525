package io.jswoole.http;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Netty's response encoder, except that a buffer passes as it is: a {@link Response} that ends in one piece has
 * already written the status line, headers and body as bytes (and compressed the body), so the event loop only
 * writes them. Chunked responses, files, trailers and upgrades still go through Netty's encoding.
 */
final class ResponseEncoder extends HttpResponseEncoder {
    @Override
    public boolean acceptOutboundMessage(Object msg) throws Exception {
        return !(msg instanceof ByteBuf) && super.acceptOutboundMessage(msg);
    }
}
