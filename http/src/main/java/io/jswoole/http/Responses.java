package io.jswoole.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The built-in responses (errors, 100 Continue): short HTML pages, never a stack trace. */
final class Responses {
    private Responses() {
    }

    /** An error page with {@code Connection: close} when {@code close} is set. */
    static FullHttpResponse error(int code, boolean close) {
        HttpResponseStatus status = HttpResponseStatus.valueOf(code);
        byte[] body = page(code).getBytes(StandardCharsets.US_ASCII);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        // the names as a user's Response writes them (Netty's constants are lower case)
        r.headers().set(Names.CONTENT_TYPE, "text/html")
                .setInt(Names.CONTENT_LENGTH, body.length)
                .set(Names.SERVER, HttpServer.SERVER_NAME);
        if (close) {
            r.headers().set(Names.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return r;
    }

    /** The body of the built-in page for {@code code}. */
    static String page(int code) {
        return "<html><body><h2>HTTP " + code + " " + HttpResponseStatus.valueOf(code).reasonPhrase()
                + "</h2><hr><i>jswoole</i></body></html>\n";
    }

    static FullHttpResponse continue100() {
        return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER);
    }
}
