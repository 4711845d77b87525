package io.jswoole.http;

import io.jswoole.log.Log;
import io.jswoole.server.spi.ProtocolSupport;
import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.spi.Wire;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP and WebSocket across the process boundary (PROCESS mode): complete requests and WebSocket messages go from
 * the master to a worker JVM, response pieces and pushed frames come back, and the master keeps what it needs to
 * answer for a worker that dies ({@link #workerLost}: 503 for a request whose answer had not begun, a close for
 * one cut short). Worker JVMs ask the master, through {@link #answer}, for what lives with the connection: detached
 * responses and the WebSocket status.
 * <pre>
 * message := 1 exchange | 2 frame | 3 part (a streamed body's, after its exchange: {@link BodyRelay})
 *            | 4 written (seq:i64 n:i32: counted DATA of an HTTP/2 stream reached the socket: {@link H2Stream})
 *   exchange := seq:i64 method:str uri:str version:str headers body:bytes form files keepAlive:i8 upgrade:i8
 *               time:f64 remoteIp:str remotePort:i32 localPort:i32 localIp:str streamed:i8
 *   part := seq:i64 (0 data:bytes | 1 (the end) | 2 why:str (cut off))
 *   headers := count:i32 (name:str value:str)*;  form := count:i32 (-1: none) (name:str value:str)*
 *   files := count:i32 (field:str name:str type:str tmpName:str error:i32 size:i64)*
 * reply := 1 out | 2 frame | 3 credit (seq:i64 n:i32: the handler read n bytes of a streamed body)
 *   out := seq:i64 last:i8 close:i8 piece
 *   piece := 1 full (status:i32 reason:str headers trailers content:bytes) | 2 head (status reason headers)
 *          | 3 content (content) | 4 last (content trailers) | 5 file (path:str offset:i64 count:i64)
 *          | 6 encoded (bytes: a whole response as it goes on the wire)
 *          | 7 http/2 control (goaway:i8 errorCode:i64 debug:str: Response.ping/goaway)
 *          | 8 counted content (content: reported back as written, {@link H2Stream#isReady})
 *          | 9 http/2 reset (errorCode:i64: {@link H2Stream#reset})
 * frame := what the {@link UpgradeHandler} writes (a WebSocket message in, a pushed frame out)
 * </pre>
 */
final class HttpRemote implements PortProtocol.Remote {
    private static final byte EXCHANGE = 1, FRAME = 2, BODY = 3, CREDIT = 3, WRITTEN = 4;
    private static final byte FULL = 1, HEAD = 2, CONTENT = 3, LAST = 4, FILE = 5, ENCODED = 6, H2_CONTROL = 7,
            COUNTED = 8, RESET = 9;
    /** Questions a worker JVM asks ({@link #answer}): a list starting with one of these. */
    static final String DETACH = "detach", CREATE = "create", WS_STATUS = "ws-status", WS_CLOSED = "ws-closed";

    private final HttpProtocol protocol;
    /** Worker JVM: the HTTP/2 streams whose written bytes the master reports ({@link H2Stream#isReady}). */
    private final Map<HttpProtocol.BodyKey, H2Stream> streams = new java.util.concurrent.ConcurrentHashMap<>();

    HttpRemote(HttpProtocol protocol) {
        this.protocol = protocol;
    }

    Map<HttpProtocol.BodyKey, H2Stream> streams() {
        return streams;
    }

    // ---- master to worker JVM

    @Override
    public void writeMessage(int fd, Object message, PortProtocol.Delivery delivery, FrameOutput out)
            throws IOException {
        if (message instanceof BodyRelay.Part p) {
            out.writeByte(BODY);
            out.writeLong(p.seq());
            out.writeByte(p.kind());
            if (p.kind() == BodyRelay.DATA) {
                Wire.writeBytes(out, p.bytes());
            } else if (p.kind() == BodyRelay.ABORT) {
                Wire.writeString(out, p.why());
            }
            return;
        }
        if (message instanceof H2Stream.Written w) {
            out.writeByte(WRITTEN);
            out.writeLong(w.seq());
            out.writeInt(w.n());
            return;
        }
        if (!(message instanceof HttpExchange ex)) {
            out.writeByte(FRAME);
            protocol.upgrades().writeMessage(message, out);
            return;
        }
        HttpConn c = ex.conn();
        protocol.track(c, fd);
        if (ex.upgrade()) {
            c.wsStatus = HttpConn.WS_HANDSHAKE;
        }
        c.inFlight().put(ex.seq(), new HttpConn.Flight(delivery, ex.files(), ex.keepAlive() && !ex.upgrade()));
        HttpRequest h = ex.head();
        out.writeByte(EXCHANGE);
        out.writeLong(ex.seq());
        out.writeUTF(h.method().name());
        Wire.writeString(out, h.uri());
        out.writeUTF(h.protocolVersion().text());
        headers(out, h.headers());
        Wire.writeBytes(out, ex.body());
        if (ex.form() == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(ex.form().size());
            for (Map.Entry<String, String> e : ex.form().entrySet()) {
                Wire.writeString(out, e.getKey());
                Wire.writeString(out, e.getValue());
            }
        }
        out.writeInt(ex.files().size());
        for (Map.Entry<String, UploadedFile> e : ex.files().entrySet()) {
            UploadedFile f = e.getValue();
            Wire.writeString(out, e.getKey());
            Wire.writeString(out, f.name());
            Wire.writeString(out, f.type());
            Wire.writeString(out, f.tmpName().toString());
            out.writeInt(f.error());
            out.writeLong(f.size());
        }
        out.writeBoolean(ex.keepAlive());
        out.writeBoolean(ex.upgrade());
        out.writeDouble(ex.time());
        out.writeUTF(ex.remoteIp());
        out.writeInt(ex.remotePort());
        out.writeInt(ex.localPort());
        out.writeUTF(ex.serverAddr());
        out.writeBoolean(ex.stream() != null);
    }

    @Override
    public Object readMessage(int fd, FrameInput in) throws IOException {
        byte type = in.readByte();
        if (type == FRAME) {
            return protocol.upgrades().readMessage(fd, in);
        }
        if (type == BODY) {
            long seq = in.readLong();
            byte kind = in.readByte();
            byte[] bytes = kind == BodyRelay.DATA ? Wire.readBytes(in) : null;
            String why = kind == BodyRelay.ABORT ? Wire.readString(in) : null;
            protocol.workerPart(fd, new BodyRelay.Part(seq, kind, bytes, why));
            return BodyRelay.APPLIED;
        }
        if (type == WRITTEN) { // on the IPC reader's thread, in order: the stream's onReady hook does not block
            long seq = in.readLong();
            int n = in.readInt();
            H2Stream s = streams.get(new HttpProtocol.BodyKey(fd, seq));
            if (s != null) {
                s.written(n);
            }
            return BodyRelay.APPLIED;
        }
        long seq = in.readLong();
        HttpMethod method = HttpMethod.valueOf(in.readUTF());
        String uri = Wire.readString(in);
        HttpVersion version = HttpVersion.valueOf(in.readUTF());
        HttpRequest head = new DefaultHttpRequest(version, method, uri, headers(in));
        byte[] body = Wire.readBytes(in);
        int n = in.readInt();
        Map<String, String> form = null;
        if (n >= 0) {
            form = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                form.put(Wire.readString(in), Wire.readString(in));
            }
        }
        n = in.readInt();
        Map<String, UploadedFile> files = n == 0 ? Map.of() : new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String field = Wire.readString(in);
            files.put(field, new UploadedFile(Wire.readString(in), Wire.readString(in), Path.of(Wire.readString(in)), in.readInt(), in.readLong()));
        }
        boolean keepAlive = in.readBoolean();
        boolean upgrade = in.readBoolean();
        double time = in.readDouble();
        String ip = in.readUTF();
        int remotePort = in.readInt(), localPort = in.readInt();
        String localIp = in.readUTF();
        IncomingBody stream = null;
        if (in.readBoolean()) {
            RequestBody b = RequestBody.streaming(read -> ProtocolSupport.write(protocol.server(), fd,
                    new BodyRelay.Credit(seq, read)), protocol.config().bodyTimeoutMillis());
            protocol.workerBody(fd, seq, b);
            stream = b.feed();
        }
        return new HttpExchange(null, seq, head, body, form, files, keepAlive, upgrade, time, ip, remotePort,
                localPort, stream, localIp);
    }

    // ---- worker JVM to master

    @Override
    public void writeReply(int fd, Object reply, FrameOutput out) throws IOException {
        if (reply instanceof BodyRelay.Credit c) {
            out.writeByte(CREDIT);
            out.writeLong(c.seq());
            out.writeInt(c.n());
            return;
        }
        if (!(reply instanceof Out o)) {
            out.writeByte(FRAME);
            protocol.upgrades().writeFrame(reply, out);
            return;
        }
        out.writeByte(EXCHANGE);
        out.writeLong(o.seq());
        out.writeBoolean(o.last());
        out.writeBoolean(o.close());
        switch (o.msg()) {
            case FullHttpResponse r -> {
                out.writeByte(FULL);
                status(out, r.status());
                headers(out, r.headers());
                headers(out, r.trailingHeaders());
                content(out, r.content());
            }
            case HttpResponse r -> {
                out.writeByte(HEAD);
                status(out, r.status());
                headers(out, r.headers());
            }
            case LastHttpContent l -> {
                out.writeByte(LAST);
                content(out, l.content());
                headers(out, l.trailingHeaders());
            }
            case H2Stream.Data d -> {
                out.writeByte(COUNTED);
                content(out, d.content());
            }
            case HttpContent c -> {
                out.writeByte(CONTENT);
                content(out, c.content());
            }
            case ByteBuf b -> {
                out.writeByte(ENCODED); // a whole response, already in HTTP/1.1's bytes
                content(out, b);
            }
            case Out.FilePart f -> {
                out.writeByte(FILE);
                Wire.writeString(out, f.file().getPath());
                out.writeLong(f.offset());
                out.writeLong(f.count());
            }
            case H2Control c -> {
                out.writeByte(H2_CONTROL);
                out.writeBoolean(c.goaway());
                out.writeLong(c.errorCode());
                Wire.writeString(out, c.debug());
            }
            case H2Stream.Reset r -> {
                out.writeByte(RESET);
                out.writeLong(r.errorCode());
            }
            default -> throw new IllegalArgumentException("cannot send " + o.msg().getClass().getName()
                    + " to the master");
        }
    }

    @Override
    public Object readReply(int fd, FrameInput in) throws IOException {
        byte type = in.readByte();
        if (type == CREDIT) {
            long seq = in.readLong();
            int n = in.readInt();
            HttpConn c = protocol.conn(fd);
            BodyRelay r = c == null ? null : c.relays().get(seq);
            if (r != null) {
                r.credit(n);
            }
            return null;
        }
        if (type == FRAME) {
            Object frame = protocol.upgrades().readFrame(in);
            HttpConn c = protocol.conn(fd);
            if (c == null || c.wsStatus != HttpConn.WS_ACTIVE) {
                Log.debug("fd " + fd + " is not an established WebSocket: a frame pushed to it is dropped");
                io.netty.util.ReferenceCountUtil.release(frame);
                return null;
            }
            return frame;
        }
        long seq = in.readLong();
        boolean last = in.readBoolean();
        boolean close = in.readBoolean();
        Object msg = switch (in.readByte()) {
            case FULL -> {
                HttpResponseStatus status = status(in);
                HttpHeaders headers = headers(in);
                HttpHeaders trailers = headers(in);
                yield new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content(in), headers, trailers);
            }
            case HEAD -> {
                HttpResponseStatus status = status(in);
                yield new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers(in));
            }
            case CONTENT -> new DefaultHttpContent(content(in));
            case LAST -> {
                DefaultLastHttpContent l = new DefaultLastHttpContent(content(in));
                l.trailingHeaders().set(headers(in));
                yield l;
            }
            case FILE -> new Out.FilePart(new File(Wire.readString(in)), in.readLong(), in.readLong());
            case ENCODED -> content(in);
            case H2_CONTROL -> new H2Control(in.readBoolean(), in.readLong(), Wire.readString(in));
            case COUNTED -> new H2Stream.Data(content(in), null);
            case RESET -> new H2Stream.Reset(in.readLong());
            default -> throw new IOException("unknown response piece");
        };
        HttpConn c = protocol.conn(fd);
        HttpConn.Flight f = c == null ? null : c.inFlight().get(seq);
        if (f != null) {
            if (last) {
                c.inFlight().remove(seq, f);
            } else {
                f.started = true;
            }
        }
        BodyRelay relay = last && c != null ? c.relays().remove(seq) : null;
        if (relay != null) {
            relay.abandon(); // the response ended: the rest of the body is dropped as it comes
        }
        if (c != null && msg instanceof HttpResponse r && r.status().code() == 101 && protocol.websocket()) {
            // frames pushed after the 101 queue behind it, which switches the pipeline before they pass
            c.wsStatus = HttpConn.WS_ACTIVE;
        }
        return new Out(seq, msg, last, close);
    }

    // ---- the master's answers and the dead worker's requests

    @Override
    public Object answer(Object question) {
        List<?> q = (List<?>) question;
        int fd = (Integer) q.get(1);
        HttpConnections here = protocol.local();
        return switch ((String) q.get(0)) {
            case DETACH -> here.detach(fd, new HttpConn.Pending((Long) q.get(2), (Boolean) q.get(3),
                    (Boolean) q.get(4), (Boolean) q.get(5), (String) q.get(6), (Boolean) q.get(7)));
            case CREATE -> {
                HttpConn.Pending p = here.create(fd);
                yield p == null ? null : List.of(p.seq(), p.keepAlive(), p.head(), p.http10(), p.acceptEncoding(),
                        p.http2());
            }
            case WS_STATUS -> here.wsStatus(fd);
            case WS_CLOSED -> here.wsClosed(fd);
            default -> throw new IllegalArgumentException("unknown question " + q);
        };
    }

    @Override
    public void workerLost(int workerId) {
        int unanswered = 0, cut = 0;
        for (HttpConn c : protocol.conns()) {
            for (Map.Entry<Long, HttpConn.Flight> e : c.inFlight().entrySet()) {
                HttpConn.Flight f = e.getValue();
                if (f.delivery.workerId() != workerId || !f.delivery.reached() || f.detached
                        || !c.inFlight().remove(e.getKey(), f)) {
                    continue;
                }
                Multipart.deleteFiles(f.files);
                BodyRelay relay = c.relays().remove(e.getKey());
                if (relay != null) {
                    relay.abandon();
                }
                if (f.started) {
                    cut++;
                    ProtocolSupport.write(protocol.server(), c.fd,
                            new Out(e.getKey(), LastHttpContent.EMPTY_LAST_CONTENT, true, true));
                } else {
                    unanswered++;
                    ProtocolSupport.write(protocol.server(), c.fd,
                            new Out(e.getKey(), Responses.error(503, !f.keepAlive), true, !f.keepAlive));
                }
            }
        }
        if (unanswered + cut > 0) {
            Log.warning("worker #" + workerId + " died with " + (unanswered + cut) + " requests in flight: "
                    + unanswered + " answered 503, " + cut + " closed mid-response");
        }
    }

    // ---- fields

    private static void status(FrameOutput out, HttpResponseStatus s) throws IOException {
        out.writeInt(s.code());
        Wire.writeString(out, s.reasonPhrase());
    }

    private static HttpResponseStatus status(FrameInput in) throws IOException {
        int code = in.readInt();
        String reason = Wire.readString(in);
        HttpResponseStatus std = HttpResponseStatus.valueOf(code);
        return std.reasonPhrase().equals(reason) ? std : new HttpResponseStatus(code, reason);
    }

    /** Header names and values travel as their bytes (HTTP headers are ISO-8859-1, as Netty decodes them). */
    private static void headers(FrameOutput out, HttpHeaders h) throws IOException {
        out.writeInt(h.size());
        var it = h.iteratorCharSequence();
        while (it.hasNext()) {
            var e = it.next();
            latin1(out, e.getKey());
            latin1(out, e.getValue());
        }
    }

    private static HttpHeaders headers(FrameInput in) throws IOException {
        int n = in.readInt();
        // names and values were validated where they were made (Netty's decoder, Response.header); as
        // AsciiStrings they are encoded by copying (Netty's fast path)
        HttpHeaders h = new DefaultHttpHeaders(false);
        for (int i = 0; i < n; i++) {
            h.add(new AsciiString(Wire.readBytes(in), false), new AsciiString(Wire.readBytes(in), false));
        }
        return h;
    }

    private static void latin1(FrameOutput out, CharSequence s) throws IOException {
        if (s instanceof AsciiString a) {
            out.writeInt(a.length());
            out.write(a.array(), a.arrayOffset(), a.length());
        } else {
            Wire.writeBytes(out, s.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }

    private static void content(FrameOutput out, ByteBuf b) throws IOException {
        out.writeInt(b.readableBytes());
        out.write(b);
    }

    /** Response bytes (the connection's {@link Coalescer} copies those of a batch into one direct buffer). */
    private static ByteBuf content(FrameInput in) throws IOException {
        byte[] b = Wire.readBytes(in);
        return b.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(b);
    }
}
