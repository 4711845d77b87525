package io.jswoole.http;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import io.jswoole.server.spi.ProtocolSupport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Swoole's {@code Http\Response}: the answer to one request. Set the status, headers and cookies, then either
 * {@link #end} once, or {@link #write} (chunked) any number of times and {@link #end}, or {@link #sendfile}.
 * Responses of pipelined requests go out in request order whatever order their handlers finish in. A handler
 * that returns without ending its response gets an empty one; {@link #detach} hands the response to another
 * coroutine or worker ({@link #create}). On HTTP/2 a response is its stream's: it goes out when it is ready,
 * whatever the other streams do; {@link #ping} and {@link #goaway} reach the connection, {@link #stream} the stream.
 */
public final class Response {
    private static final AsciiString SERVER = AsciiString.cached(HttpServer.SERVER_NAME);
    private final HttpServer server;
    private final int fd;
    private final long seq;
    private final boolean keepAlive, headRequest, http10, upgrade;
    /** An HTTP/2 stream's response (else null): whole responses go as Netty messages (frames), never as bytes. */
    private H2Stream h2;
    /** The request's Accept-Encoding ("" for none): what {@code http_compression} may use. */
    private final String acceptEncoding;
    private int status = 200;
    private String reason;
    private final HeaderList headers = new HeaderList();
    private HeaderList trailers;
    private Cookies cookies;
    private boolean headerSent, finished, detached;
    /** The connection, when this JVM holds it (not in a worker JVM): a shutdown makes the response close it. */
    private HttpConn conn;

    Response(HttpServer server, int fd, HttpExchange ex) {
        this(server, fd, ex.seq(), ex.keepAlive(), ex.head().method() == HttpMethod.HEAD,
                ex.head().protocolVersion() == HttpVersion.HTTP_1_0, ex.upgrade(),
                ex.head().headers().get(HttpHeaderNames.ACCEPT_ENCODING, ""));
        this.conn = ex.conn();
        this.h2 = ex.head().protocolVersion().majorVersion() == 2 ? new H2Stream(server, fd, seq) : null;
    }

    private Response(HttpServer server, int fd, long seq, boolean keepAlive, boolean headRequest, boolean http10,
                     boolean upgrade, String acceptEncoding) {
        this.server = server;
        this.fd = fd;
        this.seq = seq;
        this.keepAlive = keepAlive;
        this.headRequest = headRequest;
        this.http10 = http10;
        this.upgrade = upgrade;
        this.acceptEncoding = acceptEncoding;
    }

    /**
     * A response for connection {@code fd} from any coroutine or worker ({@code Response::create}): it answers
     * the oldest request of that connection whose response was {@link #detach detached}; with none, what it
     * writes goes out at once, in no order with other responses. Null when {@code fd} is not an open HTTP
     * connection of {@code server}.
     */
    public static Response create(HttpServer server, int fd) {
        HttpConn.Pending p = server.protocol().connections().create(fd);
        if (p == null) {
            LastError.fail(ErrorCode.SESSION_NOT_EXIST);
            return null;
        }
        Response r = new Response(server, fd, p.seq(), p.keepAlive(), p.head(), p.http10(), false,
                p.acceptEncoding());
        r.h2 = p.http2() ? new H2Stream(server, fd, r.seq) : null;
        return r;
    }

    /** The connection's fd. */
    public int fd() {
        return fd;
    }

    /** Sets the status code (any 100-999) with the standard reason phrase. */
    public boolean status(int code) {
        return status(code, null);
    }

    /** Sets the status code and reason phrase; false once the headers went out. */
    public boolean status(int code, String reasonPhrase) {
        if (code < 100 || code > 999) {
            throw new IllegalArgumentException("status code " + code + " is not between 100 and 999");
        }
        if (reasonPhrase != null && (reasonPhrase.indexOf('\r') >= 0 || reasonPhrase.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("a reason phrase may not contain CR or LF");
        }
        if (headerSent || finished) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        status = code;
        reason = reasonPhrase;
        return true;
    }

    /** Alias of {@link #status(int, String)}. */
    public boolean setStatusCode(int code, String reasonPhrase) {
        return status(code, reasonPhrase);
    }

    /** Sets a header, the name formatted as {@code Content-Type} (Swoole's default). */
    public boolean header(String name, String value) {
        return header(name, value, true);
    }

    /**
     * Sets a header; {@code format} capitalises each word of the name. A CR or LF in the name or value is
     * rejected with an {@link IllegalArgumentException}.
     */
    public boolean header(String name, String value, boolean format) {
        if (headerSent || finished) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        headers.set(format ? HeaderText.formattedName(name) : HeaderText.checkedName(name), HeaderText.checkedValue(value));
        return true;
    }

    /**
     * Sets a header sent once per value, in order ({@code Link}, {@code Vary}, ...), as Swoole's {@code header()}
     * does with an array; it replaces what was set under the name before. An empty list removes the header.
     */
    public boolean header(String name, List<String> values, boolean format) {
        if (headerSent || finished) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        AsciiString n = format ? HeaderText.formattedName(name) : HeaderText.checkedName(name);
        AsciiString[] checked = new AsciiString[values.size()];
        for (int i = 0; i < checked.length; i++) {
            checked[i] = HeaderText.checkedValue(values.get(i));
        }
        headers.remove(n);
        for (AsciiString v : checked) {
            headers.add(n, v);
        }
        return true;
    }

    /** {@link #header(String, List, boolean)} with the name formatted. */
    public boolean header(String name, List<String> values) {
        return header(name, values, true);
    }

    /** Alias of {@link #header(String, String)}. */
    public boolean setHeader(String name, String value) {
        return header(name, value);
    }

    /** Sets a trailer, sent after a chunked body (HTTP/2: a HEADERS frame that ends the stream). */
    public boolean trailer(String name, String value) {
        if (finished) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        if (trailers == null) {
            trailers = new HeaderList();
        }
        trailers.set(HeaderText.checkedName(name), HeaderText.checkedValue(value));
        return true;
    }

    /** A cookie with its value URL-encoded ({@code cookie($name, $value)}). */
    public boolean cookie(String name, String value) {
        return cookie(name, value, 0, "", "", false, false, "", "", false);
    }

    /**
     * A cookie with Swoole's attributes: {@code expires} in seconds since the epoch (0: a session cookie),
     * {@code samesite} Strict/Lax/None, {@code priority} Low/Medium/High, {@code partitioned} (CHIPS).
     */
    public boolean cookie(String name, String value, long expires, String path, String domain, boolean secure,
                          boolean httpOnly, String sameSite, String priority, boolean partitioned) {
        return addCookie(true, name, value, expires, path, domain, secure, httpOnly, sameSite, priority, partitioned);
    }

    /** Alias of {@link #cookie(String, String)}. */
    public boolean setCookie(String name, String value) {
        return cookie(name, value);
    }

    /** A cookie whose value is sent as given ({@code rawcookie}); it must not contain CR, LF, ';' or ','. */
    public boolean rawcookie(String name, String value) {
        return rawcookie(name, value, 0, "", "", false, false, "", "", false);
    }

    /** {@link #cookie(String, String, long, String, String, boolean, boolean, String, String, boolean)} raw. */
    public boolean rawcookie(String name, String value, long expires, String path, String domain, boolean secure,
                             boolean httpOnly, String sameSite, String priority, boolean partitioned) {
        return addCookie(false, name, value, expires, path, domain, secure, httpOnly, sameSite, priority,
                partitioned);
    }

    private boolean addCookie(boolean encode, String name, String value, long expires, String path, String domain,
                              boolean secure, boolean httpOnly, String sameSite, String priority,
                              boolean partitioned) {
        if (headerSent || finished) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        if (cookies == null) {
            cookies = new Cookies();
        }
        cookies.add(encode, name, value, expires, path, domain, secure, httpOnly, sameSite, priority, partitioned);
        return true;
    }

    /**
     * Sends a piece of the body with chunked encoding (HTTP/1.0: raw, and the connection closes at the end).
     * Compression is off for chunked responses. False when the connection is gone or the response ended.
     */
    public boolean write(String data) {
        return write(data.getBytes(StandardCharsets.UTF_8));
    }

    public boolean write(byte[] data) {
        if (finished) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        if (data.length == 0) {
            return true;
        }
        if (tooLarge(data.length)) {
            return false;
        }
        if (!headerSent) {
            if (!sendHead(-1)) {
                return false;
            }
        }
        if (headRequest) {
            return true;
        }
        return send(new Out(seq, new DefaultHttpContent(Unpooled.wrappedBuffer(data)), false, false));
    }

    /** Ends the response with no (further) body. */
    public boolean end() {
        return end(new byte[0]);
    }

    /** Ends the response with {@code data} as the (last piece of the) body. */
    public boolean end(String data) {
        return end(data.getBytes(StandardCharsets.UTF_8));
    }

    public boolean end(byte[] data) {
        if (finished) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        boolean close = closeAfter();
        if (headerSent || trailers != null) {
            if (tooLarge(data.length) || !headerSent && !sendHead(-1)) {
                return false;
            }
            finished = true;
            ByteBuf b = headRequest || data.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(data);
            LastHttpContent last = new DefaultLastHttpContent(b);
            if (trailers != null && !http10) {
                last.trailingHeaders().set(trailers.toNetty());
            }
            return send(new Out(seq, last, true, close || http10));
        }
        finished = true;
        headerSent = true;
        boolean noBody = status < 200 || status == 204 || status == 304;
        commonHeaders(close);
        if (upgrade && status == 101) {
            // Netty's encoder writes the 101: the sequencer switches the pipeline when it passes
            DefaultFullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(),
                    Unpooled.EMPTY_BUFFER, headers.toNetty(), new DefaultHttpHeaders(false));
            if (!send(new Out(seq, r, true, close))) {
                return false;
            }
            // frames pushed from now on queue behind the 101, which switches the pipeline before they pass
            HttpConn c = server.protocol().conn(fd);
            if (c != null) {
                c.wsStatus = HttpConn.WS_ACTIVE;
            }
            return true;
        }
        // the common case: the whole response in one buffer
        byte[] body = headRequest || noBody ? EMPTY : data;
        String encoding = body.length == 0 ? null : compressionFor(body.length);
        if (encoding != null) {
            body = Compression.compress(body, encoding, server.protocol().config().compressionLevel());
        }
        if (tooLarge(body.length)) {
            finished = false; // nothing went out: the response is still the handler's to answer
            headerSent = false;
            return false;
        }
        if (encoding != null) {
            headers.set(Names.CONTENT_ENCODING, encoding.equals(Compression.GZIP)
                    ? HttpHeaderValues.GZIP : HttpHeaderValues.DEFLATE);
        }
        // HEAD answered with end() and no data: the handler's own Content-Length (the GET's size) stands, as in
        // Swoole (head_method.phpt)
        boolean headLength = headRequest && data.length == 0 && headers.contains(Names.CONTENT_LENGTH);
        if (!noBody && !headLength && !headers.blank(Names.CONTENT_LENGTH)) { // "": no length (event streams)
            headers.set(Names.CONTENT_LENGTH, HeaderText.length(encoding == null ? data.length : body.length));
        }
        if (h2 != null) {
            return send(new Out(seq, new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(),
                    body.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body), headers.toNetty(),
                    new DefaultHttpHeaders(false)), true, false));
        }
        return send(new Out(seq, encode(body), true, close));
    }

    private static final byte[] EMPTY = new byte[0];

    /**
     * {@code buffer_output_size}, as Swoole applies it to what a worker sends: a body (or chunk) larger is refused
     * with {@link ErrorCode#DATA_LENGTH_TOO_LARGE} and one warning; {@link #write} in smaller pieces or
     * {@link #sendfile} send more.
     */
    private boolean tooLarge(int length) {
        long limit = server.protocol().config().bufferOutputSize();
        if (length <= limit) {
            return false;
        }
        Log.warning("the length of data [" + length + "] exceeds the output buffer size [" + limit + "] (fd " + fd
                + "): use sendfile, chunked transfer (write) or a larger buffer_output_size");
        LastError.set(ErrorCode.DATA_LENGTH_TOO_LARGE);
        return true;
    }

    /** The encoding {@code http_compression} applies to a whole body of {@code length} bytes, or null. */
    private String compressionFor(int length) {
        HttpConfig cfg = server.protocol().config();
        if (!cfg.compression() || length < cfg.compressionMinLength() || acceptEncoding.isEmpty()
                || headers.contains(Names.CONTENT_ENCODING)) {
            return null;
        }
        AsciiString type = headers.get(Names.CONTENT_TYPE);
        return cfg.compressible(type == null ? null : type.toString()) ? Compression.choose(acceptEncoding) : null;
    }

    /**
     * The whole response as bytes: status line, headers, body. The reactor writes them as they are (Netty's
     * encoder lets a buffer through), so no header map is built and nothing is encoded on the event loop.
     */
    private ByteBuf encode(byte[] body) {
        byte[] line = statusLine();
        byte[] bytes = new byte[line.length + headers.encodedLength() + 2 + body.length];
        System.arraycopy(line, 0, bytes, 0, line.length);
        int at = headers.encode(bytes, line.length);
        bytes[at++] = '\r';
        bytes[at++] = '\n';
        System.arraycopy(body, 0, bytes, at, body.length);
        // the reactor copies the responses of a batch into one direct buffer (Coalescer); a worker JVM sends the
        // array in its IPC frame
        return Unpooled.wrappedBuffer(bytes);
    }

    private static final byte[][] STATUS_LINES = new byte[1000][];

    /** {@code HTTP/1.1 200 OK\r\n}; the standard ones are made once. */
    private byte[] statusLine() {
        if (reason == null && STATUS_LINES[status] != null) {
            return STATUS_LINES[status];
        }
        String why = reason == null ? HttpResponseStatus.valueOf(status).reasonPhrase() : reason;
        byte[] line = ("HTTP/1.1 " + status + " " + why + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        if (reason == null) {
            STATUS_LINES[status] = line;
        }
        return line;
    }

    /**
     * Sends {@code length} bytes of {@code file} from {@code offset} (0: to the end) as the whole body, zero-copy
     * where the transport allows it; the content type comes from the file name unless set. Never compressed.
     */
    public boolean sendfile(String file, long offset, long length) {
        if (finished || headerSent) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        File f = new File(file);
        long size = f.length();
        if (!f.isFile() || offset < 0 || offset > size || length < 0) {
            throw new IllegalArgumentException("cannot send file " + file + " from " + offset + " length " + length);
        }
        long n = length == 0 ? size - offset : Math.min(length, size - offset);
        if (!headers.contains(Names.CONTENT_TYPE)) {
            headers.set(Names.CONTENT_TYPE, AsciiString.of(Mime.of(f.getName())));
        }
        boolean close = closeAfter();
        finished = true;
        headerSent = true;
        commonHeaders(close);
        headers.set(Names.CONTENT_LENGTH, AsciiString.of(Long.toString(n)));
        DefaultHttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status(), headers.toNetty());
        if (!send(new Out(seq, r, false, false))) {
            return false;
        }
        if (!headRequest && n > 0 && !send(new Out(seq, new Out.FilePart(f, offset, n), false, false))) {
            return false;
        }
        return send(new Out(seq, LastHttpContent.EMPTY_LAST_CONTENT, true, close));
    }

    /** {@link #sendfile(String, long, long)} of the whole file. */
    public boolean sendfile(String file) {
        return sendfile(file, 0, 0);
    }

    /** Ends with a redirect to {@code url} (302). */
    public boolean redirect(String url) {
        return redirect(url, 302);
    }

    public boolean redirect(String url, int code) {
        header("Location", url);
        status(code);
        return end();
    }

    /**
     * HTTP/2 only: sends a PING on this response's connection (Netty answers the client's; the client answers this
     * one). False on HTTP/1.x ({@code WRONG_OPERATION}) or when the connection is gone.
     */
    public boolean ping() {
        if (h2 == null) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        return ProtocolSupport.write(server, fd, new Out(Out.UNORDERED, H2Control.PING, false, false));
    }

    /** {@link #goaway(long, String)} with NO_ERROR and no debug data. */
    public boolean goaway() {
        return goaway(0, "");
    }

    /**
     * HTTP/2 only: sends GOAWAY with {@code errorCode} (an HTTP/2 error code, 0 = NO_ERROR) and {@code debugData}
     * on this response's connection, naming the last stream the server took: streams up to it still finish and no
     * new one starts (the client closes when it is done); with an error code other than 0 the server closes the
     * connection after the GOAWAY (Netty's rule). False on HTTP/1.x or when the connection is gone.
     */
    public boolean goaway(long errorCode, String debugData) {
        if (h2 == null) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        if (errorCode < 0 || errorCode > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("an HTTP/2 error code is 0 to 2^32-1, not " + errorCode);
        }
        return ProtocolSupport.write(server, fd, new Out(Out.UNORDERED,
                new H2Control(true, errorCode, debugData == null ? "" : debugData), false, false));
    }

    /** HTTP/2: this response's stream (reset, write flow control: {@link H2Stream}); null on HTTP/1.x. */
    public H2Stream stream() {
        return h2;
    }

    /** Whether the response can still be written: not ended, and its connection open. */
    public boolean isWritable() {
        return !finished && server.exists(fd);
    }

    /**
     * Leaves this response unanswered when the handler returns, for {@link #create} elsewhere. Pipelined
     * responses after it wait until it is answered.
     */
    public boolean detach() {
        if (finished || detached || headerSent) {
            return LastError.fail(ErrorCode.WRONG_OPERATION);
        }
        if (!server.protocol().connections().detach(fd,
                new HttpConn.Pending(seq, keepAlive, headRequest, http10, acceptEncoding, h2 != null))) {
            return LastError.fail(ErrorCode.SESSION_NOT_EXIST);
        }
        detached = true;
        return true;
    }

    boolean isFinished() {
        return finished;
    }

    boolean isDetached() {
        return detached;
    }

    /** The handler threw: 500 when nothing went out yet, else the connection closes after what was sent. */
    void fail() {
        if (finished) {
            return;
        }
        finished = true;
        if (!headerSent) {
            headerSent = true;
            send(new Out(seq, Responses.error(500, !keepAlive), true, !keepAlive));
        } else {
            send(new Out(seq, LastHttpContent.EMPTY_LAST_CONTENT, true, true));
        }
    }

    /**
     * {@code max_request_execution_time} passed (on the worker's carrier): 408 and close if nothing went out (HTTP/2:
     * 408 on the stream), else close without ending the body (HTTP/2: reset the stream). What the handler writes later
     * is refused and dropped. Returns {@link #NOT_EXPIRED} (it had ended or was detached), {@link #ANSWERED} or
     * {@link #CUT}.
     */
    int expire() {
        if (finished || detached) {
            return NOT_EXPIRED;
        }
        finished = true;
        if (!headerSent) {
            headerSent = true;
            send(new Out(seq, Responses.error(408, h2 == null), true, h2 == null));
            return ANSWERED;
        }
        send(new Out(seq, Unpooled.EMPTY_BUFFER, true, true));
        return CUT;
    }

    static final int NOT_EXPIRED = 0, ANSWERED = 1, CUT = 2;

    /** An upgrade request that the handshake left unanswered: 400, then close. */
    void refuseUpgrade() {
        finished = true;
        headerSent = true;
        send(new Out(seq, Responses.error(400, true), true, true));
    }

    private boolean sendHead(long contentLength) {
        headerSent = true;
        commonHeaders(closeAfter());
        if (!http10 && h2 == null) {
            headers.remove(Names.CONTENT_LENGTH); // never beside chunked (RFC 9112 6.3.3; Swoole's bug_4857.phpt)
            headers.set(Names.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return send(new Out(seq, new DefaultHttpResponse(HttpVersion.HTTP_1_1, status(), headers.toNetty()), false,
                false));
    }

    private HttpResponseStatus status() {
        return reason == null ? HttpResponseStatus.valueOf(status) : new HttpResponseStatus(status, reason);
    }

    private boolean closeAfter() {
        if (h2 != null) {
            return false; // a stream ends, the connection stays (a shutdown sends GOAWAY)
        }
        if (upgrade) {
            return status != 101;
        }
        return !keepAlive || headers.containsToken(Names.CONNECTION, HttpHeaderValues.CLOSE)
                || conn != null && conn.draining;
    }

    private void commonHeaders(boolean close) {
        if (!headers.contains(Names.SERVER)) {
            headers.set(Names.SERVER, SERVER);
        }
        headers.set(Names.DATE, HttpDate.now());
        if (status != 101 && !headers.contains(Names.CONTENT_TYPE)) {
            headers.set(Names.CONTENT_TYPE, HttpHeaderValues.TEXT_HTML);
        }
        if (!close && http10 && keepAlive) {
            headers.set(Names.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (cookies != null) {
            cookies.addTo(headers);
        }
        if (close) {
            headers.set(Names.CONNECTION, HttpHeaderValues.CLOSE);
        }
    }

    private boolean send(Out out) {
        if (!(h2 == null ? ProtocolSupport.write(server, fd, out) : h2.send(out))) {
            finished = true;
            return false;
        }
        return true;
    }
}
