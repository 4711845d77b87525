package io.jswoole.http;

import io.jswoole.log.Log;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The inbound side of one HTTP connection, after Netty's decoder: rejects what must not be served (decoder
 * failures as 400/414/431, unknown versions as 505, the request-smuggling forms, bad Host, bodies over the cap as
 * 413 before they are read), enforces the header and body deadlines (408), collects the body (multipart file parts
 * stream to disk), and hands complete requests to the server in order, at most {@code http_max_pipeline} in flight
 * at a time. A rejection answers once, in order, then closes: nothing after a bad
 * request is ever decoded into a request.
 */
final class HttpGuard extends ChannelInboundHandlerAdapter {
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    /** What an authority may hold besides ASCII letters and digits (RFC 3986 reg-name, IP literals, port). */
    private static final String HOST_CHARS = ".:[]_~%!$&'()*+;=-";
    /** How long an idle connection is still read once a shutdown began (see {@link #drain}). */
    static final long LINGER_MILLIS = 1000;

    private final HttpConn conn;
    private final HttpConfig cfg;
    private ChannelHandlerContext ctx;

    private long nextSeq;
    private int inflight;
    /** Requests decoded and not yet handed on: one at a time unless pipelined (it grows for a pipelining client). */
    private final ArrayDeque<HttpExchange> queued = new ArrayDeque<>(1);
    private boolean reading = true;
    /** Set once a rejection or a non-keep-alive request ends the stream of requests. */
    private boolean done;
    private boolean upgrading;
    /** The request being read asks for {@code Upgrade: h2c} (and HTTP/2 is on). */
    private boolean h2c;

    private HttpRequest head;
    private long seq;
    private long max;
    private long bodyBytes;
    private boolean keepAlive;
    private boolean upgrade;
    private double time;
    private CompositeByteBuf body;
    private Multipart multipart;
    /** The body of the request being read when it was handed over at its head (HttpServer.streamBody). */
    private IncomingBody stream;
    /** Bytes queued in {@link #stream}s and not read by their handlers; past HIGH_WATER reading pauses. */
    private long streamQueued;
    private boolean streamFull;
    /**
     * The running deadline (header or body; null when none) and when it passes ({@link #deadlineAt}, counted from the
     * read that brought its first byte). One timer per connection checks it, re-armed only when it fires early (a
     * pipelined request costs no timer of its own).
     */
    private String deadline;
    private long deadlineAt;
    private ScheduledFuture<?> timer;
    /** When {@link #timer} fires (System.nanoTime). */
    private long timerAt;
    /** The time of the read being decoded: System.nanoTime and the wall clock in milliseconds. */
    private long readNanos;
    private long readMillis;

    HttpGuard(HttpConn conn) {
        this.conn = conn;
        this.cfg = conn.protocol.config();
        conn.guard = this;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        readStarted();
    }

    /** Whether the next bytes belong to a request head (no request is being read, none was refused). */
    boolean awaitingHead() {
        return head == null && !done && !upgrading;
    }

    /** A read from the socket is about to be decoded: its time is the time of what it brings (one clock read). */
    void readStarted() {
        readNanos = System.nanoTime();
        readMillis = System.currentTimeMillis();
    }

    /** Bytes reached the decoder: the first byte of a request starts its header deadline. */
    void bytesArrived() {
        if (head == null && deadline == null && !done) {
            startDeadline("header", cfg.headerTimeoutMillis());
        }
    }

    private void startDeadline(String what, long millis) {
        if (millis <= 0) {
            return;
        }
        deadline = what;
        deadlineAt = readNanos + TimeUnit.MILLISECONDS.toNanos(millis);
        if (timer != null && timerAt - deadlineAt > 0) {
            cancelTimer(); // armed for a later deadline than this one
        }
        if (timer == null) {
            armTimer(deadlineAt);
        }
    }

    private void armTimer(long at) {
        timerAt = at;
        timer = ctx.executor().schedule(this::checkDeadline, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The timer fired: the running deadline passed (408), or it is a later one than the timer was armed for. */
    private void checkDeadline() {
        timer = null;
        if (deadline == null || done || !ctx.channel().isActive()) {
            return;
        }
        if (deadlineAt - System.nanoTime() > 0) {
            armTimer(deadlineAt);
        } else {
            expired(deadline);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (stream != null && msg instanceof HttpContent c) {
                onStreamContent(c);
                return;
            }
            if (done || upgrading) {
                return;
            }
            if (msg instanceof HttpRequest req) {
                onHead(req);
            }
            if (msg instanceof HttpContent c && stream != null) {
                onStreamContent(c);
            } else if (msg instanceof HttpContent c && !done && head != null) {
                onContent(c);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest req) {
        deadline = null;
        head = req;
        seq = nextSeq++;
        if (conn.timing != null) {
            conn.timing.started(seq, readNanos);
        }
        time = readMillis / 1000.0;
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            int code = cause instanceof TooLongHttpLineException ? 414
                    : cause instanceof TooLongHttpHeaderException ? 431 : 400;
            reject(code, "bad request: " + cause.getMessage());
            return;
        }
        HttpVersion v = req.protocolVersion();
        if (v.majorVersion() != 1 || v.minorVersion() > 1 || !v.protocolName().equals("HTTP")) {
            reject(505, "unsupported version " + v);
            return;
        }
        if (!cfg.knownMethod(req.method().name())) {
            reject(501, "method '" + req.method().name() + "' is not served (methods are case-sensitive; "
                    + "http_extra_methods adds more)");
            return;
        }
        if (req.headers().size() > cfg.maxHeaderCount()) {
            reject(431, req.headers().size() + " headers, over http_max_header_count " + cfg.maxHeaderCount());
            return;
        }
        HeadFacts facts = HeadFacts.of(req.headers());
        String problem = smuggling(facts, v);
        if (problem != null) {
            reject(problem.startsWith("501") ? 501 : 400, problem);
            return;
        }
        keepAlive = facts.keepAlive(v);
        upgrade = conn.websocket && req.method() == HttpMethod.GET
                && facts.upgradeHas("websocket") && facts.connectionHas("upgrade");
        h2c = cfg.http2().on() && H2Switch.wanted(ctx, req, facts, facts.contentLength() > 0 || facts.encodings > 0);
        boolean multi = cfg.parsePost() && facts.contentType != null
                && facts.contentType.regionMatches(true, 0, "multipart/form-data", 0, 19);
        max = multi && cfg.uploadMaxFilesize() > 0 ? Long.MAX_VALUE : cfg.packageMaxLength();
        long length = facts.contentLength();
        boolean chunked = facts.encodings > 0;
        if (upgrade && (length > 0 || chunked)) {
            reject(400, "a WebSocket upgrade with a body");
            return;
        }
        boolean streamed = !upgrade && !h2c && conn.protocol.streams(conn, req, seq, time);
        if (length > max && !streamed) {
            reject(413, "Content-Length " + length + " over package_max_length " + max);
            return;
        }
        String expect = facts.expect;
        if (expect != null) {
            if (!expect.equalsIgnoreCase("100-continue") || v != HttpVersion.HTTP_1_1) {
                reject(417, "unsupported Expect: " + expect);
                return;
            }
            ctx.writeAndFlush(new Out(seq, Responses.continue100(), false, false));
        }
        bodyBytes = 0;
        if (multi && !streamed) {
            try {
                multipart = new Multipart(cfg, req);
            } catch (RuntimeException e) {
                reject(400, "bad multipart request: " + e.getMessage());
                return;
            }
        }
        if (streamed) {
            startStream(length > 0 || chunked);
            return;
        }
        if (length > 0 || chunked) {
            startDeadline("body", cfg.bodyTimeoutMillis());
        }
    }

    /** The request goes to the server now; its body follows through a {@link RequestBody}. */
    private void startStream(boolean hasBody) {
        IncomingBody b = conn.protocol.newBody(conn, seq, n -> ctx.executor().execute(() -> streamConsumed(n)),
                ctx::fireChannelRead);
        HttpExchange ex = HttpExchange.streaming(conn, seq, head, keepAlive, time, b);
        if (hasBody) {
            stream = b;
        } else {
            b.end();
            head = null;
        }
        if (!keepAlive) {
            done = true;
        }
        queued.add(ex);
        pump();
    }

    /** A handler read {@code n} bytes of a streaming body (on the event loop). */
    private void streamConsumed(int n) {
        streamQueued -= n;
        if (streamFull && streamQueued <= RequestBody.LOW_WATER) {
            streamFull = false;
            pump();
        }
    }

    private void onStreamContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            Log.warning("http from " + conn.remoteIp + ":" + conn.remotePort + ": bad streaming body, "
                    + c.decoderResult().cause().getMessage() + "; closing the connection");
            stream.fail("bad body: " + c.decoderResult().cause().getMessage());
            stream = null;
            done = true;
            head = null;
            ctx.close();
            return;
        }
        int n = c.content().readableBytes();
        if (n > 0) {
            long waiting = stream.offer(ByteBufUtil.getBytes(c.content()));
            if (waiting >= 0) {
                streamQueued += n;
                if (streamQueued > RequestBody.HIGH_WATER && !streamFull) {
                    streamFull = true;
                    setReading(false);
                }
            }
        }
        if (c instanceof LastHttpContent) {
            stream.end();
            stream = null;
            head = null;
            pump();
        }
    }

    /** The request-smuggling and framing forms of RFC 9112 that a server must refuse; null when the head is fine. */
    private static String smuggling(HeadFacts f, HttpVersion v) {
        if (f.encodings > 0) {
            if (f.lengths > 0) {
                return "both Transfer-Encoding and Content-Length";
            }
            if (f.encodings > 1) {
                return "two Transfer-Encoding headers";
            }
            if (v == HttpVersion.HTTP_1_0) {
                return "Transfer-Encoding in HTTP/1.0";
            }
            if (!f.encoding.trim().equalsIgnoreCase("chunked")) {
                return "501 unsupported Transfer-Encoding '" + f.encoding + "'";
            }
        }
        if (f.lengths > 1) {
            return "two Content-Length headers";
        }
        if (f.lengths == 1 && !DIGITS.matcher(f.length).matches()) {
            return "bad Content-Length '" + f.length + "'";
        }
        if (f.hosts == 0) {
            return v == HttpVersion.HTTP_1_1 ? "no Host header in HTTP/1.1" : null;
        }
        if (f.hosts > 1) {
            return "two Host headers";
        }
        for (int i = 0; i < f.host.length(); i++) {
            char c = f.host.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && HOST_CHARS.indexOf(c) < 0) {
                return "bad Host '" + f.host + "'";
            }
        }
        return null;
    }

    private void onContent(HttpContent c) {
        if (c.decoderResult().isFailure()) {
            reject(400, "bad body: " + c.decoderResult().cause().getMessage());
            return;
        }
        int n = c.content().readableBytes();
        bodyBytes += n;
        if (bodyBytes > max) {
            reject(413, "body over package_max_length " + max);
            return;
        }
        if (multipart != null) {
            String err = multipart.offer(c);
            if (err != null) {
                reject(err.startsWith("413") ? 413 : 400, err);
                return;
            }
        } else if (n > 0) {
            if (body == null) {
                body = ctx.alloc().compositeBuffer(64);
            }
            body.addComponent(true, c.content().retain());
        }
        if (c instanceof LastHttpContent) {
            complete();
        }
    }

    private void complete() {
        deadline = null;
        byte[] bytes;
        if (body == null) {
            bytes = new byte[0];
        } else {
            bytes = ByteBufUtil.getBytes(body);
            body.release();
            body = null;
        }
        HttpExchange ex;
        if (multipart != null) {
            Multipart m = multipart;
            multipart = null;
            ex = new HttpExchange(conn, seq, head, bytes, m.fields(), m.files(), keepAlive, false, time);
            m.close();
        } else {
            ex = new HttpExchange(conn, seq, head, bytes, null, java.util.Map.of(), keepAlive, upgrade, time);
        }
        head = null;
        if (h2c && inflight == 0 && queued.isEmpty()) { // the first request of its connection, or no other waits
            h2c = false;
            if (H2Switch.upgrade(ctx, conn, ex)) {
                return;
            }
        }
        if (!keepAlive) {
            done = true;
        }
        if (upgrade) {
            upgrading = true;
        }
        queued.add(ex);
        pump();
    }

    /**
     * Hands queued requests to the server while under the in-flight cap; reading stops while requests wait. (A
     * reader that does not read its responses is the server's output limit's business: buffer_high_watermark.)
     */
    private void pump() {
        while (!queued.isEmpty() && inflight < cfg.maxPipeline()) {
            inflight++;
            HttpExchange ex = queued.poll();
            ctx.fireChannelRead(ex);
            if (ex.stream() != null) {
                ex.stream().dispatched();
            }
        }
        // a streaming body being read keeps the socket read (its own back-pressure pauses it)
        setReading(stream != null || queued.isEmpty() && inflight < cfg.maxPipeline() && !done && !upgrading);
    }

    private void setReading(boolean on) {
        on &= !streamFull;
        if (on != reading) {
            reading = on;
            ctx.channel().config().setAutoRead(on);
        }
    }

    /** The response of an ordered request went out (from the {@link Sequencer}, on the event loop). */
    void responseDone() {
        if (inflight > 0) {
            inflight--;
        }
        pump();
    }

    /**
     * Shutdown. A connection with requests handed to workers reads nothing more: their responses go out with
     * {@code Connection: close} (the {@link Sequencer} marks them), and it closes after them; requests pipelined
     * behind them are dropped (the close tells the client to send them again elsewhere). An idle connection, or one
     * whose request is still arriving, may have a request on its way that the client cannot know is lost: it is
     * read for {@link #LINGER_MILLIS} more and answered the same way, and the stop waits for it.
     */
    void drain() {
        conn.draining = true;
        if (inflight == 0 && queued.isEmpty() && !done && !upgrading) {
            Runnable release = io.jswoole.server.spi.ProtocolSupport.holdStop(conn.protocol.server());
            ctx.channel().closeFuture().addListener(f -> release.run());
            ctx.executor().schedule(() -> {
                if (inflight == 0 && queued.isEmpty()) {
                    ctx.close(); // nothing came, or it did not arrive whole in time
                }
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        done = true;
        deadline = null;
        cancelTimer();
        discardBody();
        head = null;
        for (HttpExchange ex : queued) {
            Multipart.deleteFiles(ex.files());
        }
        queued.clear();
        setReading(stream != null); // a streamed body being read is read to its end, for its handler's answer
    }

    /** The upgrade was refused (not a 101): nothing more is read from this connection. */
    void upgradeRefused() {
        done = true;
    }

    private void expired(String what) {
        if (head == null) {
            seq = nextSeq++;
            if (conn.timing != null) {
                conn.timing.started(seq, Timing.NONE);
            }
        }
        reject(408, what + " deadline passed");
    }

    /** Answers {@code code} in order, after the responses of earlier requests, then closes. */
    private void reject(int code, String why) {
        Log.warning("http from " + conn.remoteIp + ":" + conn.remotePort + ": " + code + ", " + why
                + "; closing the connection");
        done = true;
        deadline = null;
        cancelTimer();
        discardBody();
        head = null;
        setReading(false);
        ctx.writeAndFlush(new Out(seq, Responses.error(code, true), true, true));
    }

    private void discardBody() {
        if (body != null) {
            body.release();
            body = null;
        }
        if (multipart != null) {
            multipart.destroy();
            multipart = null;
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (stream != null) {
            stream.fail("the connection closed before the body ended");
            stream = null;
        }
        cancelTimer();
        discardBody();
        for (HttpExchange ex : queued) {
            Multipart.deleteFiles(ex.files());
        }
        queued.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        discardBody();
    }
}
