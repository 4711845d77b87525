package io.jswoole.http;

import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Netty's response compressor (gzip or deflate, chosen by Accept-Encoding) limited as Swoole limits it: whole
 * responses only (never a chunked {@code write()} or a {@code sendfile}), at least
 * {@code http_compression_min_length} bytes, of a type in {@code http_compression_types} when that is set.
 */
final class Compressor extends HttpContentCompressor {
    private final HttpConfig cfg;

    Compressor(HttpConfig cfg) {
        super(cfg.compressionMinLength(),
                StandardCompressionOptions.gzip(cfg.compressionLevel(), 15, 8),
                StandardCompressionOptions.deflate(cfg.compressionLevel(), 15, 8));
        this.cfg = cfg;
    }

    @Override
    protected Result beginEncode(HttpResponse response, String acceptEncoding) throws Exception {
        if (!(response instanceof FullHttpResponse)
                || !cfg.compressible(response.headers().get(HttpHeaderNames.CONTENT_TYPE))) {
            return null;
        }
        return super.beginEncode(response, acceptEncoding);
    }
}
