package io.jswoole.client;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.coroutine.Channel;
import io.jswoole.coroutine.Completion;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * {@code Swoole\Coroutine\Http2\Client}: HTTP/2 to one host, over TLS with ALPN {@code h2} ({@code ssl} true,
 * verified as {@link HttpClient} verifies) or in clear text by prior knowledge (h2c). One connection carries
 * many streams at once: any number of coroutines may call {@link #request} on the same client together, and
 * their requests are multiplexed on one connection (beyond the server's MAX_CONCURRENT_STREAMS they wait for a
 * free stream).
 * <pre>{@code
 * try (Http2Client c = new Http2Client("127.0.0.1", 9501, true)) {
 *     Http2Response r = c.request(Http2Request.get("/index"));
 *     System.out.println(r.statusCode() + " " + r.body());
 * }
 * }</pre>
 * Three ways to use a stream: {@link #request} (send, wait for the whole response), Swoole's {@link #send} +
 * {@link #write} + {@link #recv} (responses come back as they finish, in any order), and {@link #open}, an
 * {@link Http2Stream} whose request body is written in pieces and whose response is read as it arrives.
 * <p>Failures: a response with status -1 (no connection), -2 (timed out) or -3 (reset by RST_STREAM, or the
 * connection went away: GOAWAY or close), with an errno-style {@code errCode}, the server's HTTP/2 error code and
 * a message. After a GOAWAY the streams the server did not take fail at once; the streams it took finish; the next
 * request opens a new connection. Framing, HPACK and flow control are Netty's codec ({@link H2Link}).
 * <p>Settings ({@link #set}): {@code timeout} (seconds, default 5, per request), {@code connect_timeout}
 * (connect and TLS handshake, default 2), the {@code http2_*} SETTINGS ({@link H2Options}) and the {@code ssl_*}
 * keys of {@link ClientTls}; anything else is refused by name.
 */
public final class Http2Client implements AutoCloseable {
    /** Errno {@code EPROTO}: the server does not speak HTTP/2 (no {@code h2} from ALPN). */
    public static final int EPROTO = 71;
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "host");

    private final String host;
    private final int port;
    private final boolean ssl;
    private final String what;
    private final Map<String, Object> settings = new LinkedHashMap<>();
    private H2Options options = H2Options.of(Map.of());
    private ClientTls tls;
    private final ReentrantLock connecting = new ReentrantLock();
    private volatile H2Link link;
    private final Channel<Http2Response> received = Channel.external(Integer.MAX_VALUE);
    private final Map<Integer, Http2Stream> streams = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile int currentStreamId;
    private volatile int errCode;
    private volatile String errMsg = "";
    private volatile boolean closed;

    /** An h2c client (prior knowledge) for {@code host:port}. */
    public Http2Client(String host, int port) {
        this(host, port, false);
    }

    /** A client for {@code host:port}: h2 over TLS when {@code ssl}, else h2c. */
    public Http2Client(String host, int port, boolean ssl) {
        this.host = host;
        this.port = port;
        this.ssl = ssl;
        this.what = "Http2Client " + (ssl ? "https://" : "http://") + host + ":" + port;
    }

    /**
     * Settings, checked by name now (files of {@code ssl_*} read now); they apply to the next connection.
     *
     * @throws IllegalArgumentException naming a setting that is unknown, out of range or does not load
     */
    public void set(Map<String, ?> options) {
        Map<String, Object> merged = new LinkedHashMap<>(settings);
        merged.putAll(options);
        H2Options next = H2Options.of(merged);
        ClientTls t = ClientTls.of(merged, ssl, null, what);
        this.options = next;
        this.tls = t;
        settings.clear();
        settings.putAll(merged);
    }

    /** Connects now (otherwise the first request does); false with {@link #errCode()} when it cannot. */
    public boolean connect() {
        try {
            return link() != null;
        } catch (Failure f) {
            return false;
        }
    }

    /** True while a connection that takes new streams is open. */
    public boolean isConnected() {
        H2Link l = link;
        return l != null && l.usable();
    }

    /**
     * Sends {@code r} on a new stream and waits (up to {@code timeout}) for the whole response; never null. Any
     * number of coroutines may call it at once on one client.
     */
    public Http2Response request(Http2Request r) {
        if (r.pipeline) {
            throw new IllegalArgumentException("a pipeline request (body written in pieces) needs send() + write(), "
                    + "or open()");
        }
        long deadline = deadline();
        Http2Stream s;
        try {
            s = start(r, true, null, deadline);
        } catch (Failure f) {
            return f.response;
        }
        Http2Response out = s.response(remaining(deadline));
        streams.remove(s.id());
        return note(out);
    }

    /**
     * Opens a stream for {@code r} and returns it at once, the head sent (and {@code r.data}, if any); with
     * {@code r.pipeline} the body stays open for {@link Http2Stream#write}. Null with {@link #errCode()} when no
     * stream could be opened.
     */
    public Http2Stream open(Http2Request r) {
        try {
            return start(r, false, null, deadline());
        } catch (Failure f) {
            return null;
        }
    }

    /**
     * Swoole's {@code send}: starts {@code r} on a new stream and returns its id (0 on failure, with
     * {@link #errCode()}); the response comes from {@link #recv}. With {@code r.pipeline} the body continues with
     * {@link #write}.
     */
    public int send(Http2Request r) {
        try {
            Http2Stream s = start(r, true, resp -> {
                streams.remove(resp.streamId());
                received.push(resp, 0);
            }, deadline());
            return s.id();
        } catch (Failure f) {
            return 0;
        }
    }

    /** Swoole's {@code write}: more of the body of stream {@code streamId} ({@code end}: the last piece). */
    public boolean write(int streamId, byte[] data, boolean end) {
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            return fail(Client.ENOTCONN, "stream " + streamId + " is not open on " + what);
        }
        boolean ok = s.write(data, end, options.timeout());
        return ok || fail(s.errCode(), s.errMsg());
    }

    public boolean write(int streamId, String data, boolean end) {
        return write(streamId, data.getBytes(StandardCharsets.UTF_8), end);
    }

    /**
     * Swoole's {@code recv}: the next response of a stream started by {@link #send} to finish (in the order they
     * finish), waiting up to {@code timeout} seconds (negative: forever); null on timeout.
     */
    public Http2Response recv(double timeout) {
        Http2Response r = received.pop(timeout);
        if (r == null) {
            fail(received.errCode() == Channel.CHANNEL_CANCELED ? Client.ECANCELED : Client.ETIMEDOUT,
                    "no response within " + timeout + " s");
        }
        return r == null ? null : note(r);
    }

    /** Whether stream {@code streamId} of this client is still open (its response not finished). */
    public boolean isStreamExist(int streamId) {
        Http2Stream s = streams.get(streamId);
        return s != null && !s.isEnded();
    }

    /** Sends a PING and waits up to {@code timeout} seconds for its acknowledgement. */
    public boolean ping(double timeout) {
        H2Link l;
        try {
            l = link();
        } catch (Failure f) {
            return false;
        }
        Completion<Boolean> c = l.ping();
        l.channel.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime()));
        try {
            return c.await(timeout) || fail(Client.ECONNRESET, "the connection closed before the PING was answered");
        } catch (SwooleException e) {
            return fail(Client.ETIMEDOUT, "no PING acknowledgement within " + timeout + " s");
        }
    }

    /**
     * Sends GOAWAY ({@code errorCode}, {@code debugData}) on the current connection: the server finishes the
     * streams open now and takes no new ones; the next request opens a new connection.
     */
    public boolean goaway(int errorCode, String debugData) {
        H2Link l = link;
        if (l == null || !l.channel.isActive()) {
            return fail(Client.ENOTCONN, what + " is not connected");
        }
        l.goingAway("the client sent GOAWAY");
        l.channel.writeAndFlush(new DefaultHttp2GoAwayFrame(errorCode,
                Unpooled.copiedBuffer(debugData == null ? "" : debugData, StandardCharsets.UTF_8)));
        return true;
    }

    /**
     * Swoole's {@code stats()}: {@code current_stream_id}, {@code active_stream_num} (streams of this client not
     * finished), {@code local_settings}, {@code remote_settings} (the server's SETTINGS, once received), and
     * {@code connections} (how many were opened: one, unless a GOAWAY or a close made it connect again) and
     * {@code protocol} ({@code h2} or {@code h2c}).
     */
    public Map<String, Object> stats() {
        H2Link l = link;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("current_stream_id", currentStreamId);
        out.put("active_stream_num", (int) streams.values().stream().filter(s -> !s.isEnded()).count());
        out.put("local_settings", l == null ? Map.of() : Map.copyOf(l.local));
        out.put("remote_settings", l == null || l.remote == null ? Map.of() : Map.copyOf(l.remote));
        out.put("connections", connections.get());
        out.put("protocol", ssl ? "h2" : "h2c");
        return out;
    }

    /** The last error of a call on this client (any coroutine's): errno style or a TLS code; 0 after success. */
    public int errCode() {
        return errCode;
    }

    public String errMsg() {
        return errMsg;
    }

    /** Closes the connection; streams still open fail with status -3. */
    @Override
    public void close() {
        closed = true;
        H2Link l = link;
        if (l != null) {
            l.closeWith("the client closed the connection");
        }
    }

    private Http2Stream start(Http2Request r, boolean collect, Consumer<Http2Response> done, long deadline) {
        H2Link l = link();
        Http2StreamChannel child = await(l.streams.open(), remaining(deadline), "opening a stream");
        Http2Stream s = new Http2Stream(child, collect, done);
        boolean hasBody = r.data != null && r.data.length > 0;
        Http2Headers h = headers(r);
        Completion<Integer> started = new Completion<>();
        child.eventLoop().execute(() -> {
            child.pipeline().addLast(s.handler());
            ChannelFuture f = child.writeAndFlush(new DefaultHttp2HeadersFrame(h, !hasBody && !r.pipeline));
            int id = child.stream().id();
            s.started(id);
            l.opened(child);
            child.read();
            if (f.isDone() && !f.isSuccess()) {
                started.fail(f.cause());
            } else {
                started.complete(id);
            }
        });
        int id;
        try {
            id = started.await(remaining(deadline));
        } catch (SwooleException | CompletionException e) {
            child.close();
            throw failure(-3, Client.ECONNRESET, "cannot start a stream on " + what + ": " + e.getMessage());
        }
        currentStreamId = id;
        streams.put(id, s);
        if (hasBody && !s.write(r.data, !r.pipeline, remaining(deadline))) {
            streams.remove(id);
            s.reset(io.netty.handler.codec.http2.Http2Error.CANCEL.code());
            throw failure(s.errCode() == Client.ETIMEDOUT ? -2 : -3, s.errCode(), s.errMsg());
        }
        return s;
    }

    private Http2Headers headers(Http2Request r) {
        String authority = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        String path = r.path == null || r.path.isEmpty() ? "/" : r.path;
        Http2Headers h = new DefaultHttp2Headers().method(r.methodOrDefault().toUpperCase(Locale.ROOT)).path(path)
                .scheme(ssl ? "https" : "http");
        String hostHeader = null;
        for (Map.Entry<String, String> e : r.headers.entrySet()) {
            String k = e.getKey().toLowerCase(Locale.ROOT);
            if (k.equals("host")) {
                hostHeader = e.getValue();
            }
            if (!HOP_BY_HOP.contains(k) && !k.startsWith(":")) {
                h.add(k, e.getValue());
            }
        }
        h.authority(hostHeader != null ? hostHeader : authority);
        if (!r.cookies.isEmpty()) {
            StringJoiner j = new StringJoiner("; ");
            r.cookies.forEach((k, v) -> j.add(k + "=" + v));
            h.add("cookie", j.toString());
        }
        if (r.data != null && !r.pipeline && !h.contains("content-length")) {
            h.addInt("content-length", r.data.length);
        }
        return h;
    }

    /** The connection that takes new streams: the current one, or a new one (after GOAWAY, a close, or at first). */
    private H2Link link() {
        H2Link l = link;
        if (l != null && l.usable()) {
            return l;
        }
        connecting.lock();
        try {
            l = link;
            if (l != null && l.usable()) {
                return l;
            }
            if (closed) {
                throw failure(-1, Client.ENOTCONN, what + " is closed");
            }
            H2Link n = dial();
            link = n;
            return n;
        } finally {
            connecting.unlock();
        }
    }

    private H2Link dial() {
        if (ssl && tls == null) {
            tls = ClientTls.of(Map.of(), true, null, what);
        }
        String sni = ssl && tls.hostName() != null ? tls.hostName() : host;
        AtomicReference<H2Link> made = new AtomicReference<>();
        double t = options.connectTimeout();
        ChannelFuture cf = H2Link.bootstrap(sni, port, ssl ? tls : null, options, what, made).connect(host, port);
        try {
            await(cf, t < 0 ? -1 : t + 1, "connecting");
            H2Link l = made.get();
            SslHandler sh = l.channel.pipeline().get(SslHandler.class);
            if (sh != null) {
                await(sh.handshakeFuture(), t < 0 ? -1 : t + 1, "the TLS handshake");
                if (!"h2".equals(l.alpn())) {
                    l.closeWith("no h2 by ALPN");
                    throw failure(-1, EPROTO, what + ": the server did not choose h2 by ALPN (it chose "
                            + (l.alpn() == null ? "nothing" : "'" + l.alpn() + "'") + "): it does not speak HTTP/2 "
                            + "over TLS");
                }
            }
            l.ready = true;
            connections.incrementAndGet();
            return l;
        } catch (Failure f) {
            cf.channel().close();
            if (f.response.statusCode() != -1) {
                throw failure(-1, f.response.errCode(), f.response.errMsg());
            }
            throw f;
        }
    }

    private <T> T await(Future<T> f, double timeout, String doing) {
        Completion<T> c = new Completion<>();
        f.addListener(x -> {
            if (x.isSuccess()) {
                c.complete(f.getNow());
            } else {
                c.fail(x.cause());
            }
        });
        try {
            return c.await(timeout);
        } catch (SwooleException e) {
            boolean canceled = e.error() == ErrorCode.CO_CANCELED;
            throw failure(canceled ? -3 : -2, canceled ? Client.ECANCELED : Client.ETIMEDOUT,
                    canceled ? "Operation canceled" : what + ": " + doing + " timed out");
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            int tlsCode = ClientTls.code(cause);
            if (tlsCode != 0) {
                throw failure(-1, tlsCode, ClientTls.message(tlsCode, cause));
            }
            if (cause instanceof ConnectTimeoutException) {
                throw failure(-1, Client.ETIMEDOUT, what + ": " + cause.getMessage());
            }
            if (cause instanceof ConnectException) {
                throw failure(-1, Client.ECONNREFUSED, what + ": " + cause.getMessage());
            }
            throw failure(-3, Client.ECONNRESET, what + ": " + doing + " failed: " + cause);
        }
    }

    private long deadline() {
        double t = options.timeout();
        return t < 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (t * 1e9);
    }

    private static double remaining(long deadline) {
        return deadline == Long.MAX_VALUE ? -1 : Math.max(0.001, (deadline - System.nanoTime()) / 1e9);
    }

    private Http2Response note(Http2Response r) {
        if (r.statusCode() < 0) {
            fail(r.errCode(), r.errMsg());
        } else {
            errCode = 0;
            errMsg = "";
        }
        return r;
    }

    private boolean fail(int code, String msg) {
        errCode = code;
        errMsg = msg;
        return false;
    }

    private Failure failure(int status, int code, String msg) {
        fail(code, msg);
        return new Failure(Http2Response.failed(0, status, code, -1, msg));
    }

    /** A request that could not start: its failed response. */
    private static final class Failure extends RuntimeException {
        final Http2Response response;

        Failure(Http2Response response) {
            super(response.errMsg(), null, false, false);
            this.response = response;
        }
    }
}
