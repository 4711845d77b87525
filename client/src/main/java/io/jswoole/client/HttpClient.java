package io.jswoole.client;

import io.jswoole.SwooleException;
import io.jswoole.coroutine.Completion;
import io.jswoole.tls.Pem;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * {@code Swoole\Coroutine\Http\Client}: an HTTP/1.1 client for one host, with Swoole's stateful API (set the
 * request up, {@link #execute}, then read {@link #getStatusCode()}, {@link #getBody()}, {@link #getHeaders()}).
 * Built on the JDK's {@link java.net.http.HttpClient} (which pools keep-alive connections) and Netty's multipart
 * encoder; a request parks only the calling coroutine, and can time out or be canceled.
 * <pre>{@code
 * try (HttpClient c = new HttpClient("127.0.0.1", 8080)) {
 *     c.setHeaders(Map.of("X-Trace", "1"));
 *     c.get("/index");
 *     System.out.println(c.getStatusCode() + " " + c.body());
 * }
 * }</pre>
 * Status codes on failure, as Swoole: -1 connection failed, -2 request timed out, -3 connection reset (also for a
 * canceled request, with {@link #errCode()} {@link Client#ECANCELED}). Settings: {@code timeout} (seconds, default
 * 5), {@code keep_alive} (default true: consecutive requests reuse one connection).
 * <p>TLS ({@code ssl} true): the server's chain and host name are verified unless {@code ssl_verify_peer} is
 * false, with the {@code ssl_*} keys of {@link ClientTls}; the name checked is {@code ssl_host_name}, else the
 * host. A certificate that does not verify gives status -1 and {@link Client#SSL_VERIFY_FAILED}, another TLS
 * failure {@link Client#SSL_HANDSHAKE_FAILED}, with the reason in {@link #errMsg()}.
 */
public final class HttpClient implements AutoCloseable {
    private final String host;
    private final boolean ssl;
    private final String base;
    private final String wsBase;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private java.net.http.HttpClient jdk;
    private Map<String, String> headers = Map.of();
    private Map<String, String> cookies = Map.of();
    private String method;
    private byte[] data;
    private Multipart multipart;
    private int statusCode;
    private int errCode;
    private String errMsg = "";
    private ClientTls tls;
    private SSLSession session;
    private byte[] body = new byte[0];
    private Map<String, List<String>> responseHeaders = Map.of();
    private WebSocketClient ws;

    public HttpClient(String host, int port) {
        this(host, port, false);
    }

    /** A client for {@code host:port}, over TLS when {@code ssl}. */
    public HttpClient(String host, int port, boolean ssl) {
        this.host = host;
        this.ssl = ssl;
        String h = host.contains(":") ? "[" + host + "]" : host;
        this.base = (ssl ? "https://" : "http://") + h + ":" + port;
        this.wsBase = (ssl ? "wss://" : "ws://") + h + ":" + port;
    }

    /**
     * Settings: {@code timeout}, {@code keep_alive}, and with {@code ssl} the {@code ssl_*} keys of
     * {@link ClientTls} (files read now; the next request opens new connections with them).
     *
     * @throws IllegalArgumentException naming a TLS setting that is refused or does not load
     */
    public void set(Map<String, ?> options) {
        if (options.keySet().stream().noneMatch(k -> k.startsWith("ssl_"))) {
            settings.putAll(options);
            return;
        }
        Map<String, Object> merged = new LinkedHashMap<>(settings);
        merged.putAll(options);
        ClientTls next = ClientTls.of(merged, ssl, ClientTls.nameFor(merged, host, "HttpClient " + base),
                "HttpClient " + base);
        settings.putAll(options);
        tls = next;
        if (jdk != null) {
            jdk.close();
            jdk = null;
        }
    }

    public void setHeaders(Map<String, String> headers) {
        this.headers = Map.copyOf(headers);
    }

    public void setCookies(Map<String, String> cookies) {
        this.cookies = Map.copyOf(cookies);
    }

    /** The method of the next request (default GET, or POST with data). */
    public void setMethod(String method) {
        this.method = method;
    }

    /** The raw body of the next request. */
    public void setData(byte[] data) {
        this.data = data;
    }

    public void setData(String data) {
        setData(data.getBytes(StandardCharsets.UTF_8));
    }

    /** Attaches a file to the next request, which becomes a {@code multipart/form-data} POST. */
    public void addFile(String path, String name, String mimeType, String filename) {
        multipart().file(name, Path.of(path), mimeType, filename);
    }

    /** Attaches bytes as a file part of the next request. */
    public void addData(byte[] content, String name, String mimeType, String filename) {
        multipart().data(name, content, mimeType, filename);
    }

    private Multipart multipart() {
        if (multipart == null) {
            multipart = new Multipart();
        }
        return multipart;
    }

    /** GET {@code path}; true when a response arrived (any status). */
    public boolean get(String path) {
        method = "GET";
        return execute(path);
    }

    /** POST {@code path} with a raw body. */
    public boolean post(String path, byte[] body) {
        method = "POST";
        data = body;
        return execute(path);
    }

    /** POST {@code path} with a form: urlencoded, or multipart when files were added. */
    public boolean post(String path, Map<String, String> form) {
        method = "POST";
        if (multipart != null) {
            form.forEach(multipart::field);
        } else {
            StringJoiner j = new StringJoiner("&");
            form.forEach((k, v) -> j.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
                    + URLEncoder.encode(v, StandardCharsets.UTF_8)));
            data = j.toString().getBytes(StandardCharsets.UTF_8);
            headers = merged(headers, "Content-Type", "application/x-www-form-urlencoded");
        }
        return execute(path);
    }

    /** GET {@code path} into {@code file} (from byte {@code offset}, with a {@code Range} header, when positive). */
    public boolean download(String path, String file, long offset) {
        method = "GET";
        if (offset > 0) {
            headers = merged(headers, "Range", "bytes=" + offset + "-");
        }
        if (!execute(path)) {
            return false;
        }
        try {
            Path p = Path.of(file);
            if (offset > 0 && Files.exists(p)) {
                try (var ch = java.nio.channels.FileChannel.open(p, StandardOpenOption.WRITE)) {
                    ch.truncate(offset);
                }
                Files.write(p, body, StandardOpenOption.APPEND);
            } else {
                Files.write(p, body);
            }
            body = new byte[0];
            return true;
        } catch (IOException e) {
            errCode = Client.EIO;
            return false;
        }
    }

    /**
     * Sends the prepared request to {@code path} and waits for the whole response; the request setup (method,
     * data, files) is consumed, headers and cookies stay.
     */
    public boolean execute(String path) {
        double timeout = settings.get("timeout") instanceof Number n ? n.doubleValue() : 5;
        boolean keepAlive = !Boolean.FALSE.equals(settings.get("keep_alive"));
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path));
        if (timeout > 0) {
            rb.timeout(Duration.ofMillis((long) (timeout * 1000)));
        }
        headers.forEach(rb::header);
        if (!cookies.isEmpty()) {
            StringJoiner j = new StringJoiner("; ");
            cookies.forEach((k, v) -> j.add(k + "=" + v));
            rb.header("Cookie", j.toString());
        }
        String m = method != null ? method : data != null || multipart != null ? "POST" : "GET";
        try {
            if (multipart != null) {
                Multipart.Encoded enc = multipart.encode(path);
                rb.header("Content-Type", enc.contentType());
                rb.method(m, HttpRequest.BodyPublishers.ofByteArray(enc.body()));
            } else {
                rb.method(m, data == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(data));
            }
        } catch (IOException e) {
            errCode = Client.EIO;
            errMsg = String.valueOf(e.getMessage());
            statusCode = -1;
            return false;
        } finally {
            method = null;
            data = null;
            multipart = null;
        }
        java.net.http.HttpClient client = keepAlive ? shared() : newJdk();
        try {
            CompletableFuture<HttpResponse<byte[]>> f = client.sendAsync(rb.build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            Completion<HttpResponse<byte[]>> c = new Completion<>();
            f.whenComplete((r, e) -> {
                if (e != null) {
                    c.fail(e);
                } else {
                    c.complete(r);
                }
            });
            HttpResponse<byte[]> r;
            try {
                r = c.await(timeout > 0 ? timeout + 1 : -1);
            } catch (SwooleException e) {
                f.cancel(true);
                boolean canceled = e.error() == io.jswoole.ErrorCode.CO_CANCELED;
                errCode = canceled ? Client.ECANCELED : Client.ETIMEDOUT;
                errMsg = canceled ? "Operation canceled" : "Connection timed out";
                statusCode = canceled ? -3 : -2;
                return false;
            }
            statusCode = r.statusCode();
            body = r.body();
            responseHeaders = r.headers().map();
            session = r.sslSession().orElse(null);
            errCode = 0;
            errMsg = "";
            return true;
        } catch (CompletionException e) {
            Throwable cause = e.getCause() instanceof CompletionException ce ? ce.getCause() : e.getCause();
            int tlsCode = ClientTls.code(cause);
            if (tlsCode != 0) {
                errCode = tlsCode;
                errMsg = ClientTls.message(tlsCode, cause);
                statusCode = -1;
                return false;
            }
            boolean timedOut = cause instanceof java.net.http.HttpTimeoutException;
            errCode = timedOut ? Client.ETIMEDOUT : Client.ECONNREFUSED;
            errMsg = String.valueOf(cause.getMessage());
            statusCode = timedOut ? -2 : cause instanceof java.net.ConnectException ? -1 : -3;
            return false;
        } finally {
            if (!keepAlive) {
                client.close();
            }
        }
    }

    private java.net.http.HttpClient shared() {
        if (jdk == null) {
            jdk = newJdk();
        }
        return jdk;
    }

    private java.net.http.HttpClient newJdk() {
        var b = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER);
        if (ssl) {
            if (tls == null) {
                tls = ClientTls.of(Map.of(), true, host, "HttpClient " + base);
            }
            // SNI: the JDK sends the URI's host name, and for an IP address the one configured here
            b.sslContext(tls.context()).sslParameters(tls.parameters(tls.hostName()));
        }
        return b.build();
    }

    private static Map<String, String> merged(Map<String, String> m, String k, String v) {
        Map<String, String> out = new LinkedHashMap<>(m);
        out.put(k, v);
        return out;
    }

    /**
     * {@code upgrade}: opens a WebSocket to {@code path} of this host with the current headers; afterwards use
     * {@link #push}, {@link #recv}, {@link #websocket()}.
     */
    public boolean upgrade(String path) {
        double timeout = settings.get("timeout") instanceof Number n ? n.doubleValue() : 5;
        ws = new WebSocketClient(shared(), false);
        boolean ok = ws.open(URI.create(wsBase + path), headers, timeout);
        statusCode = ws.statusCode();
        errCode = ws.errCode();
        errMsg = ws.errMsg();
        return ok;
    }

    /** The WebSocket opened by {@link #upgrade}, or {@code null}. */
    public WebSocketClient websocket() {
        return ws;
    }

    /** Sends a text message on the upgraded connection. */
    public boolean push(String text) {
        return ws != null && ws.push(text);
    }

    /** The next frame of the upgraded connection; see {@link WebSocketClient#recv}. */
    public WebSocketClient.Frame recv(double timeout) {
        return ws == null ? null : ws.recv(timeout);
    }

    public int getStatusCode() {
        return statusCode;
    }

    public byte[] getBody() {
        return body;
    }

    /** The body as UTF-8 text. */
    public String body() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Response headers, lower-case names. */
    public Map<String, List<String>> getHeaders() {
        return responseHeaders;
    }

    /** Cookies set by the last response ({@code Set-Cookie}), name to value. */
    public Map<String, String> getCookies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String sc : responseHeaders.getOrDefault("set-cookie", List.of())) {
            String pair = sc.split(";", 2)[0];
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        return out;
    }

    /** The last error: 0, or errno style as {@link Client}, or a TLS code ({@link Client#SSL_VERIFY_FAILED}). */
    public int errCode() {
        return errCode;
    }

    /** Text of the last error; empty after a response. */
    public String errMsg() {
        return errMsg;
    }

    /** {@code getPeerCert}: the server's certificate of the last response as PEM; null over plain HTTP. */
    public String getPeerCert() {
        if (session == null) {
            return null;
        }
        try {
            Certificate[] certs = session.getPeerCertificates();
            return certs.length > 0 && certs[0] instanceof X509Certificate x ? Pem.encode(x) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** Closes the WebSocket (if upgraded) and the pooled connections. */
    @Override
    public void close() {
        if (ws != null) {
            ws.close();
            ws = null;
        }
        if (jdk != null) {
            jdk.close();
            jdk = null;
        }
    }
}
