package io.jswoole.client;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code Swoole\Http2\Request}: what {@link Http2Client} sends on one stream: {@code method} (GET by default, POST
 * with data), {@code path}, {@code headers}, {@code cookies}, {@code data} (the body), and {@code pipeline}: when
 * true the stream stays open after the head and the data for more {@link Http2Client#write} calls (Swoole's
 * name for a request body sent in pieces). A plain mutable holder, as Swoole's is: build it, send it, drop it.
 */
public final class Http2Request {
    public String method;
    public String path = "/";
    public Map<String, String> headers = new LinkedHashMap<>();
    public Map<String, String> cookies = new LinkedHashMap<>();
    public byte[] data;
    public boolean pipeline;

    public Http2Request() {
    }

    /** A GET of {@code path}. */
    public static Http2Request get(String path) {
        Http2Request r = new Http2Request();
        r.path = path;
        return r;
    }

    /** A POST of {@code data} to {@code path}. */
    public static Http2Request post(String path, byte[] data) {
        Http2Request r = get(path);
        r.method = "POST";
        r.data = data;
        return r;
    }

    public static Http2Request post(String path, String data) {
        return post(path, data.getBytes(StandardCharsets.UTF_8));
    }

    /** Adds a header (chainable). */
    public Http2Request header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** The method sent: the one set, else POST when there is data or a pipeline, else GET. */
    String methodOrDefault() {
        return method != null ? method : data != null || pipeline ? "POST" : "GET";
    }
}
