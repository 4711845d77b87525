package io.jswoole.http;

import io.jswoole.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.ReferenceCountUtil;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection (h2 after ALPN, h2c by prior knowledge or after an {@code Upgrade: h2c}), on Netty's
 * connection handler: Netty frames, checks and answers the protocol (HPACK, SETTINGS, flow control, PING,
 * MAX_CONCURRENT_STREAMS, the flood limits); this class turns each stream's request into the same
 * {@link HttpExchange} an HTTP/1.1 request becomes, numbered by its stream id, and the pieces its {@link Response}
 * writes ({@link Out}, also from a worker JVM) into HEADERS and DATA frames of that stream ({@link H2Writer}).
 * Streams are independent: nothing orders one stream's answer behind another's.
 * <p>What HTTP/1.1's {@link HttpGuard} enforces holds per stream: a method not known (501), more than
 * {@code http_max_header_count} headers (431), a body over {@code package_max_length} (413, announced by
 * content-length or crossed by DATA), {@code http_body_timeout} (408); each answers the stream, resets it and logs
 * one line. Header lists over {@code http2_max_header_list_size} get Netty's 431.
 */
final class H2Connection extends Http2ConnectionHandler {
    static final String NAME = "http2";
    static final HttpVersion HTTP_2 = HttpVersion.valueOf("HTTP/2.0");

    final HttpConn conn;
    private final HttpConfig cfg;
    ChannelHandlerContext ctx;
    /** Streams whose request is still arriving (HEADERS seen, END_STREAM not yet), by id. */
    private final Map<Integer, Incoming> incoming = new HashMap<>();
    /** Streams whose request went to the server at its HEADERS and whose response has not ended, by id. */
    private final Map<Integer, IncomingBody> streaming = new HashMap<>();
    private final H2Writer writer;
    /** Stream errors after the first are logged at debug level only (a client can make many). */
    private int streamErrors;

    private final H2StreamStates states;

    private H2Connection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
                         HttpConn conn, H2StreamStates states) {
        super(decoder, encoder, settings);
        this.conn = conn;
        this.states = states;
        states.connection(connection());
        this.cfg = conn.protocol.config();
        this.writer = new H2Writer(this);
        decoder.frameListener(new Listener());
    }

    /** A handler for {@code conn} advertising the {@code http2_*} settings, with Netty's flood limits on. */
    static H2Connection create(HttpConn conn) {
        HttpConfig.Http2 h = conn.protocol.config().http2();
        Http2Settings s = new Http2Settings()
                .headerTableSize(h.headerTableSize())
                .maxConcurrentStreams(h.maxConcurrentStreams())
                .initialWindowSize(h.initialWindowSize())
                .maxFrameSize(h.maxFrameSize())
                .maxHeaderListSize(h.maxHeaderListSize());
        return new Builder(conn).settings(s).build();
    }

    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<H2Connection, Builder> {
        private final HttpConn conn;
        private final H2StreamStates states = new H2StreamStates();

        Builder(HttpConn conn) {
            this.conn = conn;
            server(true);
            frameLogger(states);
            // the server closes on purpose (close(fd), shutdown after the drain): a GOAWAY, then the close
            gracefulShutdownTimeoutMillis(0);
            validateHeaders(true);
            validateRequiredPseudoHeaders(true);
            // Netty's defaults, made explicit: rapid reset (CVE-2023-44487), MadeYouReset (CVE-2025-55163),
            // empty-DATA and CONTINUATION floods, and control frames queued for a reader that does not read
            decoderEnforceMaxRstFramesPerWindow(200, 30);
            encoderEnforceMaxRstFramesPerWindow(200, 30);
            decoderEnforceMaxConsecutiveEmptyDataFrames(2);
            decoderEnforceMaxSmallContinuationFrames(16);
            encoderEnforceMaxQueuedControlFrames(10_000);
            frameListener(new Http2FrameAdapter()); // replaced by the handler's own listener
        }

        Builder settings(Http2Settings s) {
            return initialSettings(s);
        }

        @Override
        public H2Connection build() {
            return super.build();
        }

        @Override
        protected H2Connection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                                     Http2Settings initialSettings) {
            H2Connection h = new H2Connection(decoder, encoder, initialSettings, conn, states);
            frameListener(decoder.frameListener());
            return h;
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.handlerAdded(ctx);
        widenConnectionWindow();
        connection().addListener(new io.netty.handler.codec.http2.Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                states.closed(stream);
                Incoming in = incoming.remove(stream.id());
                if (in != null) {
                    in.discard();
                }
                IncomingBody b = streaming.remove(stream.id());
                if (b != null && !b.isComplete()) {
                    b.fail("the stream closed before the body ended");
                }
                writer.streamClosed(stream.id());
            }
        });
    }

    ChannelHandlerContext ctx() {
        return ctx;
    }

    /**
     * With streaming bodies the connection's window is given back only as handlers read, like each stream's: it
     * gets {@link #CONNECTION_WINDOW} so that one slow reader does not stall the connection's other streams.
     */
    private void widenConnectionWindow() {
        if (!conn.protocol.streamsAny()) {
            return;
        }
        try {
            decoder().flowController().incrementWindowSize(connection().connectionStream(),
                    CONNECTION_WINDOW - cfg.http2().initialWindowSize());
        } catch (Http2Exception e) {
            Log.debug("http2: the connection window stays at its default: " + e);
        }
    }

    static final int CONNECTION_WINDOW = 4 * 1024 * 1024;

    // ---- requests

    /** A request whose body is still arriving. */
    private final class Incoming {
        final int id;
        final HttpRequest head;
        final double time;
        final long max;
        CompositeByteBuf body;
        Multipart multipart;
        /** The body as it arrives, for a request handed over at its HEADERS (HttpServer.streamBody). */
        IncomingBody stream;
        long bytes;
        ScheduledFuture<?> deadline;

        Incoming(int id, HttpRequest head, double time, long max, Multipart multipart) {
            this.id = id;
            this.head = head;
            this.time = time;
            this.max = max;
            this.multipart = multipart;
        }

        void discard() {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (body != null) {
                body.release();
                body = null;
            }
            if (multipart != null) {
                multipart.destroy();
                multipart = null;
            }
        }
    }

    private final class Listener extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) throws Http2Exception {
            Incoming in = incoming.get(streamId);
            if (in != null) { // trailers: they end the request; their fields are not kept (as HTTP/1.1's)
                if (!endStream) {
                    throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR,
                            "a second HEADERS frame without END_STREAM");
                }
                incoming.remove(streamId);
                if (in.stream != null) {
                    in.stream.end();
                    return;
                }
                complete(in);
                return;
            }
            Http2Stream s = connection().stream(streamId);
            if (s != null && (s.state() == Http2Stream.State.HALF_CLOSED_LOCAL
                    || s.state() == Http2Stream.State.CLOSED)) {
                return; // answered already (a refusal) while the request still came in
            }
            request(streamId, headers, endStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endStream)
                throws Http2Exception {
            onHeadersRead(c, streamId, headers, padding, endStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            int processed = data.readableBytes() + padding;
            Incoming in = incoming.get(streamId);
            if (in == null) {
                return processed; // the stream was answered already: its window is given back, the bytes dropped
            }
            int n = data.readableBytes();
            if (in.stream != null) {
                long waiting = n == 0 ? 0 : in.stream.offer(ByteBufUtil.getBytes(data));
                if (endOfStream) {
                    incoming.remove(streamId);
                    in.stream.end();
                }
                // the stream's window comes back as the handler reads (RequestBody's flow); dropped bytes at once
                return waiting < 0 ? processed : padding;
            }
            in.bytes += n;
            if (in.bytes > in.max) {
                refuse(in.id, 413, "body over package_max_length " + in.max);
                return processed;
            }
            if (in.multipart != null) {
                String err = in.multipart.offer(new DefaultHttpContent(data));
                if (err != null) {
                    refuse(in.id, err.startsWith("413") ? 413 : 400, err);
                    return processed;
                }
            } else if (n > 0) {
                if (in.body == null) {
                    in.body = c.alloc().compositeBuffer(64);
                }
                in.body.addComponent(true, data.retain());
            }
            if (endOfStream) {
                incoming.remove(streamId);
                complete(in);
            }
            return processed;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
            states.peerReset(streamId);
            Incoming in = incoming.remove(streamId);
            if (in != null) {
                in.discard();
            }
            IncomingBody b = streaming.remove(streamId);
            if (b != null) {
                b.aborted("the client reset the stream (" + Http2Error.valueOf(errorCode) + ")");
            }
        }
    }

    /** A new stream's HEADERS: checked as HTTP/1.1's heads are, then a request (now or when its body ends). */
    private void request(int id, Http2Headers h, boolean endStream) throws Http2Exception {
        writer.requestStarted(id);
        CharSequence method = h.method(), path = h.path();
        boolean connect = method != null && HttpMethod.CONNECT.asciiName().contentEquals(method);
        if (method == null || !connect && (path == null || path.isEmpty() || h.scheme() == null)) {
            throw Http2Exception.streamError(id, Http2Error.PROTOCOL_ERROR, "a request without :method, :scheme or "
                    + ":path, or with an empty :path");
        }
        if (!cfg.knownMethod(method.toString())) {
            refuse(id, 501, "method '" + method + "' is not served (methods are case-sensitive; http_extra_methods "
                    + "adds more)");
            return;
        }
        if (h.size() > cfg.maxHeaderCount()) {
            refuse(id, 431, h.size() + " headers, over http_max_header_count " + cfg.maxHeaderCount());
            return;
        }
        HttpHeaders headers = new DefaultHttpHeaders(false);
        CharSequence authority = h.authority();
        if (authority != null && !h.contains(HttpHeaderNames.HOST)) {
            headers.add(HttpHeaderNames.HOST, authority);
        }
        StringBuilder cookies = null;
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            if (name.length() > 0 && name.charAt(0) == ':') {
                continue;
            }
            if (HttpHeaderNames.COOKIE.contentEqualsIgnoreCase(name)) { // split crumbs join again (RFC 9113 8.2.3)
                cookies = cookies == null ? new StringBuilder() : cookies.append("; ");
                cookies.append(e.getValue());
                continue;
            }
            headers.add(name, e.getValue());
        }
        if (cookies != null) {
            headers.add(HttpHeaderNames.COOKIE, cookies.toString());
        }
        HttpRequest head = new DefaultHttpRequest(HTTP_2, HttpMethod.valueOf(method.toString()),
                connect && path == null ? authority == null ? "" : authority.toString() : path.toString(), headers);
        HeadFacts facts = HeadFacts.of(headers);
        boolean multi = cfg.parsePost() && facts.contentType != null
                && facts.contentType.regionMatches(true, 0, "multipart/form-data", 0, 19);
        long max = multi && cfg.uploadMaxFilesize() > 0 ? Long.MAX_VALUE : cfg.packageMaxLength();
        boolean streamed = conn.protocol.streams(conn, head, id, System.currentTimeMillis() / 1000.0);
        String length = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (!streamed && length != null && length.length() <= 18 && length.chars().allMatch(Character::isDigit)
                && Long.parseLong(length) > max) {
            refuse(id, 413, "content-length " + length + " over package_max_length " + max);
            return;
        }
        String expect = headers.get(HttpHeaderNames.EXPECT);
        if (expect != null && !endStream) {
            if (!expect.equalsIgnoreCase("100-continue")) {
                refuse(id, 417, "unsupported Expect: " + expect);
                return;
            }
            encoder().writeHeaders(ctx, id, new DefaultHttp2Headers().status("100"), 0, false, ctx.newPromise());
        }
        Multipart mp = null;
        if (multi && !streamed) {
            try {
                mp = new Multipart(cfg, head);
            } catch (RuntimeException e) {
                refuse(id, 400, "bad multipart request: " + e.getMessage());
                return;
            }
        }
        Incoming in = new Incoming(id, head, System.currentTimeMillis() / 1000.0, max, mp);
        if (streamed) {
            stream(in, endStream);
            return;
        }
        if (endStream) {
            complete(in);
            return;
        }
        incoming.put(id, in);
        long millis = cfg.bodyTimeoutMillis();
        if (millis > 0) {
            in.deadline = ctx.executor().schedule(() -> {
                if (incoming.get(id) == in) {
                    refuse(id, 408, "body deadline passed");
                    flush(ctx);
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }

    /** The request goes to the server at its HEADERS; DATA follows through a {@link RequestBody}. */
    private void stream(Incoming in, boolean endStream) {
        int id = in.id;
        in.stream = conn.protocol.newBody(conn, id, n -> ctx.executor().execute(() -> giveBack(id, n)),
                ctx::fireChannelRead);
        streaming.put(id, in.stream);
        if (endStream) {
            in.stream.end();
        } else {
            incoming.put(id, in);
        }
        ctx.fireChannelRead(HttpExchange.streaming(conn, id, in.head, true, in.time, in.stream));
        in.stream.dispatched();
    }

    /** A handler read {@code n} bytes of stream {@code id}: its window (and the connection's) grows again. */
    private void giveBack(int id, int n) {
        Http2Stream s = connection().stream(id);
        if (s == null) {
            return; // closed: Netty gave its window back
        }
        try {
            decoder().flowController().consumeBytes(s, n);
            flush(ctx);
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    /** The request of a stream is whole: to the server, as HTTP/1.1's requests go. */
    private void complete(Incoming in) {
        if (in.deadline != null) {
            in.deadline.cancel(false);
        }
        byte[] bytes;
        if (in.body == null) {
            bytes = new byte[0];
        } else {
            bytes = ByteBufUtil.getBytes(in.body);
            in.body.release();
            in.body = null;
        }
        HttpExchange ex;
        if (in.multipart != null) {
            Multipart m = in.multipart;
            in.multipart = null;
            String err = m.offer(LastHttpContent.EMPTY_LAST_CONTENT);
            if (err != null) {
                m.destroy();
                refuse(in.id, err.startsWith("413") ? 413 : 400, err);
                return;
            }
            ex = new HttpExchange(conn, in.id, in.head, bytes, m.fields(), m.files(), true, false, in.time);
            m.close();
        } else {
            ex = new HttpExchange(conn, in.id, in.head, bytes, null, Map.of(), true, false, in.time);
        }
        ctx.fireChannelRead(ex);
    }

    /**
     * The request of an {@code Upgrade: h2c} (already answered 101): stream 1, half-closed by the client, whose
     * response goes out as HTTP/2.
     */
    void upgradeRequest(HttpExchange ex) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        h.add(ex.head().headers());
        for (CharSequence n : new CharSequence[] {HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE,
                "http2-settings", HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.TRANSFER_ENCODING}) {
            h.remove(n);
        }
        HttpRequest head = new DefaultHttpRequest(HTTP_2, ex.head().method(), ex.head().uri(), h);
        ctx.fireChannelRead(new HttpExchange(conn, 1, head, ex.body(), ex.form(), ex.files(), true, false,
                ex.time()));
    }

    /** Answers a stream with a built-in page, then resets it if the client is still sending; one log line. */
    private void refuse(int id, int code, String why) {
        Log.warning("http2 from " + conn.remoteIp + ":" + conn.remotePort + " stream " + id + ": " + code + ", "
                + why);
        Incoming in = incoming.remove(id);
        if (in != null) {
            in.discard();
        }
        writer.answer(id, Responses.error(code, false));
        Http2Stream s = connection().stream(id);
        if (s != null && s.state() != Http2Stream.State.CLOSED) {
            resetStream(ctx, id, Http2Error.NO_ERROR.code(), ctx.newPromise());
        }
    }

    // ---- responses and control

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof Out o) {
            try {
                writer.write(o);
            } finally {
                promise.trySuccess();
            }
            return;
        }
        super.write(ctx, msg, promise);
    }

    /** Shutdown: a GOAWAY naming the last stream taken; those finish, no new one starts. */
    void drain() {
        conn.draining = true;
        goAway(ctx, connection().remote().lastStreamCreated(), Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
                ctx.newPromise());
        flush(ctx);
    }

    @Override
    protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                     Http2Exception http2Ex) {
        Http2Error e = http2Ex == null ? Http2Error.INTERNAL_ERROR : http2Ex.error();
        Log.warning("http2 from " + conn.remoteIp + ":" + conn.remotePort + ": " + e + ", " + cause.getMessage()
                + "; GOAWAY and closing the connection");
        super.onConnectionError(ctx, outbound, cause, http2Ex);
    }

    @Override
    protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                 Http2Exception.StreamException http2Ex) {
        String line = "http2 from " + conn.remoteIp + ":" + conn.remotePort + " stream " + http2Ex.streamId() + ": "
                + http2Ex.error() + ", " + cause.getMessage() + "; resetting the stream";
        if (streamErrors++ == 0) {
            Log.warning(line);
        } else {
            Log.debug(line);
        }
        Incoming in = incoming.remove(http2Ex.streamId());
        if (in != null) {
            in.discard();
        }
        super.onStreamError(ctx, outbound, cause, http2Ex);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (Incoming in : incoming.values()) {
            in.discard();
        }
        incoming.clear();
        for (IncomingBody b : streaming.values()) {
            b.aborted("the connection closed");
        }
        streaming.clear();
        writer.closeAll();
        super.channelInactive(ctx);
    }

    /** Releases what a piece held when it cannot be sent. */
    static void release(Out o) {
        if (!(o.msg() instanceof Out.FilePart) && !(o.msg() instanceof H2Control)) {
            ReferenceCountUtil.release(o.msg());
        }
    }
}
