package io.jswoole.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Swoole's {@code Http\Request}: one complete HTTP request, as the {@code request} event receives it. The maps
 * are read-only and built on first use. Parameters that repeat keep the last value (as PHP does for names without
 * brackets).
 */
public final class Request {
    private final int fd;
    private final HttpExchange ex;
    private final HttpConfig cfg;
    private QueryStringDecoder uri;
    private String path;
    private Map<String, String> header, get, post, cookie;
    private Map<String, Object> server;

    Request(int fd, HttpExchange ex, HttpConfig cfg) {
        this.fd = fd;
        this.ex = ex;
        this.cfg = cfg;
    }

    private QueryStringDecoder decoder() {
        if (uri == null) {
            uri = new QueryStringDecoder(ex.head().uri());
        }
        return uri;
    }

    /** The connection's fd. */
    public int fd() {
        return fd;
    }

    /** The HTTP/2 stream of this request ({@code $request->streamId}); 0 for HTTP/1.x. */
    public int streamId() {
        return http2() ? (int) ex.seq() : 0;
    }

    boolean http2() {
        return ex.head().protocolVersion().majorVersion() == 2;
    }

    /** Every value of the request header {@code name} (any case), in the order they came; empty when none. */
    public java.util.List<String> headers(String name) {
        return java.util.List.copyOf(ex.head().headers().getAll(name));
    }

    /**
     * The request headers, names in lower case; a repeated header's values joined with ", " (as RFC 9110 5.3 lets
     * a recipient combine them; {@link #headers(String)} keeps them apart).
     */
    public Map<String, String> header() {
        if (header == null) {
            Map<String, String> m = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : ex.head().headers()) {
                m.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, b) -> a + ", " + b);
            }
            header = Collections.unmodifiableMap(m);
        }
        return header;
    }

    /**
     * Swoole's {@code $request->server}: request_method, request_uri, path_info, query_string (when there is
     * one), request_time, request_time_float, server_protocol, server_port, remote_port, server_addr (the local
     * address the client reached; a Unix socket's path), remote_addr, master_time. Addresses print as Swoole's do:
     * IPv6 in its short form ({@code ::1}).
     */
    public Map<String, Object> server() {
        if (server == null) {
            HttpRequest h = ex.head();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("request_method", h.method().name());
            QueryStringDecoder uri = decoder();
            m.put("request_uri", uri.rawPath());
            m.put("path_info", uri.rawPath());
            String raw = uri.rawQuery();
            if (!raw.isEmpty() || h.uri().indexOf('?') >= 0) {
                m.put("query_string", raw);
            }
            m.put("request_time", (long) ex.time());
            m.put("request_time_float", ex.time());
            m.put("server_protocol", http2() ? "HTTP/2" : h.protocolVersion().text()); // Swoole's "HTTP/2"
            m.put("server_port", ex.localPort());
            m.put("remote_port", ex.remotePort());
            m.put("server_addr", ex.serverAddr());
            m.put("remote_addr", shortIpv6(ex.remoteIp()));
            m.put("master_time", (long) ex.time());
            server = Collections.unmodifiableMap(m);
        }
        return server;
    }

    /** {@code ip} with an IPv6 address in RFC 5952's form, as Swoole's inet_ntop prints it. */
    private static String shortIpv6(String ip) {
        if (ip.indexOf(':') < 0) {
            return ip;
        }
        java.net.InetAddress a = io.netty.util.NetUtil.createInetAddressFromIpAddressString(ip);
        return a == null ? ip : io.netty.util.NetUtil.toAddressString(a);
    }

    /** The query parameters ({@code $request->get}), decoded. */
    public Map<String, String> get() {
        if (get == null) {
            get = last(decoder().parameters());
        }
        return get;
    }

    /**
     * The form fields of a POST body ({@code $request->post}): url-encoded or multipart. Empty when
     * {@code http_parse_post} is off or the body is neither.
     */
    public Map<String, String> post() {
        if (post == null) {
            if (ex.form() != null) {
                post = Collections.unmodifiableMap(ex.form());
            } else if (cfg.parsePost() && isUrlEncoded() && ex.stream() == null) {
                String body = new String(ex.body(), StandardCharsets.UTF_8);
                post = last(new QueryStringDecoder(body, StandardCharsets.UTF_8, false).parameters());
            } else {
                post = Map.of();
            }
        }
        return post;
    }

    private boolean isUrlEncoded() {
        String ct = ex.head().headers().get(HttpHeaderNames.CONTENT_TYPE);
        return ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    /** A cookie value as PHP decodes it ({@code %XX} and {@code +}); a broken escape leaves the value as sent. */
    private static String urlDecoded(String v) {
        if (v.indexOf('%') < 0 && v.indexOf('+') < 0) {
            return v;
        }
        try {
            return QueryStringDecoder.decodeComponent(v);
        } catch (IllegalArgumentException e) {
            return v;
        }
    }

    /**
     * The cookies ({@code $request->cookie}), split as PHP and Swoole split them: at each {@code ;}, a part without
     * {@code =} a name with an empty value ({@code swoole_http_server/cookies_parse.phpt}: {@code HttpOnly}),
     * values URL-decoded, the first of a name when it comes twice; empty when {@code http_parse_cookie} is off.
     */
    public Map<String, String> cookie() {
        if (cookie == null) {
            Map<String, String> m = new LinkedHashMap<>();
            if (cfg.parseCookie()) {
                for (String h : ex.head().headers().getAll(HttpHeaderNames.COOKIE)) {
                    for (String part : h.split(";")) {
                        String p = part.strip();
                        int eq = p.indexOf('=');
                        String name = eq < 0 ? p : p.substring(0, eq);
                        if (!name.isEmpty()) {
                            m.putIfAbsent(name, eq < 0 ? "" : urlDecoded(p.substring(eq + 1))); // PHP keeps the first
                        }
                    }
                }
            }
            cookie = Collections.unmodifiableMap(m);
        }
        return cookie;
    }

    /**
     * The uploaded files by field name ({@code $request->files}); each was written to {@code upload_tmp_dir} and
     * is removed when the request ends, unless the handler moved it.
     */
    public Map<String, UploadedFile> files() {
        return Collections.unmodifiableMap(ex.files());
    }

    /**
     * The files as Swoole's arrays ({@code $request->files}). A bracketed field name nests as PHP nests it: by
     * default each file's array sits at its path ({@code form[group][file]} at files.form.group.file, Swoole's
     * {@code upload_file_array_default.phpt}); with {@code http_parse_files} the arrays take PHP's
     * {@code $_FILES} layout, the attribute first (files.form.tmp_name.group.file, {@code
     * upload_file_array_parsed.phpt}). A name without brackets is a key as sent either way.
     */
    public Map<String, Object> filesArray() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, UploadedFile> e : ex.files().entrySet()) {
            String name = e.getKey();
            int open = name.indexOf('[');
            if (cfg.parseFiles() && open > 0) {
                String base = name.substring(0, open), path = name.substring(open);
                e.getValue().toMap().forEach((k, v) -> Nested.put(out, base + "[" + k + "]" + path, v));
            } else {
                Nested.put(out, name, e.getValue().toMap());
            }
        }
        return out;
    }

    /**
     * The body as sent ({@code rawContent()}); empty for a multipart body that was parsed. On a streaming request
     * (see {@link #isStreaming()}) it reads what is left of the body to its end, up to {@code package_max_length}.
     *
     * @throws java.io.UncheckedIOException when a streaming body is cut off or longer than package_max_length
     */
    public byte[] rawContent() {
        return ex.stream() == null ? ex.body().clone() : rest();
    }

    /** The body as UTF-8 text ({@code getContent()}); see {@link #rawContent()} for a streaming request. */
    public String getContent() {
        return new String(ex.stream() == null ? ex.body() : rest(), StandardCharsets.UTF_8);
    }

    /**
     * The body as a stream: for a request matched by {@code HttpServer.streamBody}, the bytes as they arrive (reads
     * park the coroutine; see {@link RequestBody}); for any other request, the buffered body.
     */
    public RequestBody body() {
        if (body == null) {
            body = ex.stream() != null ? ex.stream().reader() : RequestBody.of(ex.body());
        }
        return body;
    }

    /** Whether the handler got this request at its head, the body to be read from {@link #body()}. */
    public boolean isStreaming() {
        return ex.stream() != null;
    }

    private RequestBody body;

    private byte[] rest() {
        try {
            byte[] all = body().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cfg.packageMaxLength() + 1));
            if (all.length > cfg.packageMaxLength()) {
                body().close();
                throw new java.io.IOException("a streaming body over package_max_length " + cfg.packageMaxLength());
            }
            return all;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The whole request as HTTP/1.1 text: request line, headers and body ({@code getData()}). */
    public byte[] getData() {
        HttpRequest h = ex.head();
        StringBuilder sb = new StringBuilder();
        sb.append(h.method().name()).append(' ').append(h.uri()).append(' ').append(h.protocolVersion().text())
                .append("\r\n");
        for (Map.Entry<String, String> e : h.headers()) {
            sb.append(e.getKey()).append(": ").append(e.getValue()).append("\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + ex.body().length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(ex.body(), 0, all, head.length, ex.body().length);
        return all;
    }

    /** The request method, upper case ({@code getMethod()}). */
    public String getMethod() {
        return ex.head().method().name();
    }

    /** The request target as sent (path and query). */
    public String uri() {
        return ex.head().uri();
    }

    /** The decoded path, without the query. */
    public String path() {
        if (path == null) {
            path = plainPath(ex.head().uri());
            if (path == null) {
                path = decoder().path();
            }
        }
        return path;
    }

    /** The path of {@code uri} when nothing in it needs decoding (no %-escape); null otherwise. */
    private static String plainPath(String uri) {
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c == '?' || c == '#') {
                return uri.substring(0, i);
            }
            if (c == '%') {
                return null;
            }
        }
        return uri;
    }

    HttpExchange exchange() {
        return ex;
    }

    private static Map<String, String> last(Map<String, List<String>> params) {
        Map<String, String> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, v.isEmpty() ? "" : v.get(v.size() - 1)));
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "Request[fd=" + fd + ", " + getMethod() + " " + uri() + "]";
    }
}
