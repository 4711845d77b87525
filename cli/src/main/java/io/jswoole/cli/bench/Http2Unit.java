package io.jswoole.cli.bench;

import java.util.List;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * {@code http2}: HTTP/2 requests, in clear text on {@code tcp://} (h2c by prior knowledge, as {@code h2load} sends
 * to an {@code http://} URL) or over TLS on {@code tls://} (h2 chosen by ALPN, as to an {@code https://} URL), each
 * on a stream of its client's connection; {@code -P N} (or {@code -m N}, h2load's
 * name) streams are open at once per connection, and replies are matched to their own stream, in whatever order
 * they end. {@code --method}, {@code --path}, {@code -H} as for {@code http}; a {@code POST} or {@code PUT} sends
 * {@code -l} bytes, and with {@code --verify} its reply must carry them back. A status outside 2xx is always an
 * error, counted by status; a stream reset by the server is {@code reset RST_STREAM code}.
 */
final class Http2Unit implements Unit {
    private final Http2Headers headers;
    private final boolean body;
    private final Payload payload;

    Http2Unit(UnitConfig config) {
        String method = config.method().toUpperCase(Locale.ROOT);
        this.body = method.equals("POST") || method.equals("PUT");
        this.payload = new Payload(body ? config.payloadSize() : 0);
        Http2Headers h = new DefaultHttp2Headers().method(method).path(config.path())
                .scheme(config.target().isTls() ? "https" : "http")
                .authority(config.target().authority());
        for (String line : config.headers()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("-H '" + line + "': a header is 'Name: value'");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (!name.equals("host") && !name.equals("connection") && !name.equals("transfer-encoding")) {
                h.add(name, line.substring(colon + 1).trim());
            }
        }
        if (body) {
            h.addInt("content-length", payload.size());
        }
        this.headers = h;
    }

    @Override
    public Transport transport() {
        return Transport.HTTP2;
    }

    /** The request head, the same for every stream (read only, from every loop). */
    Http2Headers headers() {
        return headers;
    }

    /** The body of request {@code seq} (nothing for GET). */
    @Override
    public void writeRequest(ByteBuf out, long seq) {
        if (body) {
            payload.write(out, seq);
        }
    }

    /** Not used: HTTP/2 frames are cut by Netty's codec. */
    @Override
    public int replyLength(ByteBuf in) {
        return -1;
    }

    /** Null when stream {@code seq} answered well: a 2xx status, and with --verify its body back for a POST. */
    String check(int status, ByteBuf received, long seq, boolean verify) {
        if (status < 200 || status > 299) {
            return "status " + status;
        }
        if (!verify || !body) {
            return null;
        }
        boolean same = received != null && received.readableBytes() == payload.size()
                && payload.matches(received, received.readerIndex(), seq);
        return same ? null : CONTENT_MISMATCH;
    }

    /** Whether replies' bodies must be kept for {@link #check}. */
    boolean keepsBodies(boolean verify) {
        return verify && body;
    }

    @Override
    public List<String> alpn() {
        return List.of("h2");
    }
}
