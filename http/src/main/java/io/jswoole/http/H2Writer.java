package io.jswoole.http;

import io.jswoole.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The outbound half of an {@link H2Connection}: response pieces ({@link Out}, numbered by stream id) become HEADERS
 * and DATA frames of their stream, on the event loop. HTTP/1.1's connection headers ({@code Connection},
 * {@code Transfer-Encoding}, ...) are dropped and names lower-cased (Netty's {@link HttpConversionUtil}). Netty's
 * flow controller holds DATA beyond the client's window; a file ({@code sendfile}, static files) is read 64 KiB at a
 * time, the next chunk once the last has reached the socket (which waits for the stream's window), so a client that
 * stops reading holds one buffer of it (later pieces of that stream wait behind it; other streams go on). No
 * flow-controller listener: one makes Netty track every stream's writability (5% of a small-response run). A
 * piece marked {@code close} that is not a whole response (a handler that failed mid-body, a worker JVM that died)
 * resets its stream.
 */
final class H2Writer {
    private final H2Connection h2;
    /** Files being sent, by stream; each holds the pieces of its stream that came after it. */
    private final Map<Integer, FileOut> files = new HashMap<>();
    /** DATA bytes handed to Netty and not yet written to the socket (most wait for a client's window). */
    private long waiting;
    private boolean overflowed;

    H2Writer(H2Connection h2) {
        this.h2 = h2;
    }

    void write(Out o) {
        if (o.msg() instanceof H2Control c) {
            control(c);
            return;
        }
        int id = (int) o.seq();
        if (o.msg() instanceof H2Stream.Reset r) {
            reset(id, r.errorCode());
            return;
        }
        FileOut f = files.get(id);
        if (f != null) {
            f.after.add(o);
            return;
        }
        send(o);
    }

    /** A built-in answer (a refusal) for stream {@code id}. */
    void answer(int id, FullHttpResponse r) {
        send(new Out(id, r, true, false));
    }

    private void send(Out o) {
        ChannelHandlerContext ctx = h2.ctx();
        int id = (int) o.seq();
        Http2Stream s = id > 0 ? h2.connection().stream(id) : null;
        if (s == null || s.state() == Http2Stream.State.CLOSED || s.state() == Http2Stream.State.HALF_CLOSED_LOCAL) {
            if (id <= 0) {
                Log.warning("http2 fd " + h2.conn.fd + ": Response.create without a detached request has no stream "
                        + "to answer on: dropped");
            }
            H2Connection.release(o);
            return;
        }
        if (o.close() && !(o.msg() instanceof FullHttpResponse)) {
            H2Connection.release(o);
            h2.resetStream(ctx, id, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
            return;
        }
        switch (o.msg()) {
            case FullHttpResponse r -> {
                Http2Headers headers = HttpConversionUtil.toHttp2Headers(r, false);
                boolean body = r.content().isReadable();
                boolean trailers = !r.trailingHeaders().isEmpty();
                headers(ctx, id, headers, !body && !trailers);
                if (body) {
                    data(ctx, id, r.content(), !trailers);
                } else {
                    r.release();
                }
                if (trailers) {
                    headers(ctx, id, HttpConversionUtil.toHttp2Headers(r.trailingHeaders(), false), true);
                }
            }
            case HttpResponse r -> headers(ctx, id, HttpConversionUtil.toHttp2Headers(r, false), false);
            case LastHttpContent l -> {
                boolean trailers = !l.trailingHeaders().isEmpty();
                if (l.content().isReadable() || !trailers) {
                    data(ctx, id, l.content(), !trailers);
                } else {
                    l.release();
                }
                if (trailers) {
                    headers(ctx, id, HttpConversionUtil.toHttp2Headers(l.trailingHeaders(), false), true);
                }
            }
            case H2Stream.Data d -> counted(ctx, id, d);
            case HttpContent c -> data(ctx, id, c.content(), false);
            case Out.FilePart p -> {
                FileOut f;
                try {
                    f = new FileOut(id, p);
                } catch (IOException e) {
                    Log.warning("http2 fd " + h2.conn.fd + " stream " + id + ": cannot send " + p.file() + ": " + e);
                    h2.resetStream(ctx, id, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
                    return;
                }
                files.put(id, f);
                f.pump();
            }
            default -> {
                Log.warning("http2 fd " + h2.conn.fd + " stream " + id + ": a " + o.msg().getClass().getSimpleName()
                        + " cannot be sent over HTTP/2: the stream is reset");
                H2Connection.release(o);
                h2.resetStream(ctx, id, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
            }
        }
    }

    /**
     * DATA for stream {@code id}. What waits for the client's windows is counted: past the server's
     * {@code socket_buffer_size} the client is not reading what its streams asked for, and the connection closes
     * (one log line), as a slow reader's does on HTTP/1.1; Netty's flow controller would hold it all.
     */
    private ChannelPromise data(ChannelHandlerContext ctx, int id, ByteBuf b, boolean end) {
        int n = b.readableBytes();
        waiting += n;
        ChannelPromise p = ctx.newPromise();
        p.addListener(f -> waiting -= n);
        h2.encoder().writeData(ctx, id, b, 0, end, p);
        if (end) {
            ended(id);
        }
        long limit = h2.conn.protocol.config().http2().outputLimit();
        if (waiting > limit && !overflowed) {
            overflowed = true;
            Log.warning("http2 from " + h2.conn.remoteIp + ":" + h2.conn.remotePort + ": output buffer overflow ("
                    + waiting + " bytes wait for the client's flow-control windows, socket_buffer_size " + limit
                    + "); the client is not reading, closing the connection");
            ctx.channel().close();
        }
        return p;
    }

    /**
     * DATA whose handler watches its stream's unwritten bytes ({@link H2Stream#isReady}): once on the socket they are
     * reported to it, at once in one JVM; a PROCESS-mode master sends the worker JVM a {@link H2Stream.Written}
     * message down the pipeline (dispatched like the connection's requests) when {@link H2Stream#REPORT_AT} bytes
     * are unreported or the stream has nothing left waiting here.
     */
    private void counted(ChannelHandlerContext ctx, int id, H2Stream.Data d) {
        int n = d.content().readableBytes();
        ChannelPromise p = data(ctx, id, d.content(), false);
        if (d.stream != null) {
            p.addListener(f -> d.stream.written(n));
            return;
        }
        Report r = reports.get(id);
        if (r == null) {
            reports.put(id, r = new Report());
        }
        Report report = r;
        report.waiting += n;
        p.addListener(f -> {
            report.waiting -= n;
            report.unreported += n;
            if (report.waiting == 0 || report.unreported >= H2Stream.REPORT_AT) {
                ctx.fireChannelRead(new H2Stream.Written(id, report.unreported));
                report.unreported = 0;
            }
        });
    }

    /** A PROCESS-mode master's count of one stream's counted DATA: waiting for the socket, written unreported. */
    private static final class Report {
        long waiting;
        int unreported;
    }

    /** Counted streams of a PROCESS-mode master, by id (until they close). */
    private final IntObjectHashMap<Report> reports = new IntObjectHashMap<>();

    /** {@link H2Stream#reset}: RST_STREAM unless the stream closed already (a file it was sending stops). */
    private void reset(int id, long errorCode) {
        ChannelHandlerContext ctx = h2.ctx();
        Http2Stream s = h2.connection().stream(id);
        if (s != null && s.state() != Http2Stream.State.CLOSED) {
            h2.resetStream(ctx, id, errorCode, ctx.newPromise());
        }
    }

    private void headers(ChannelHandlerContext ctx, int id, Http2Headers h, boolean end) {
        h2.encoder().writeHeaders(ctx, id, h, 0, end, ctx.newPromise());
        if (end) {
            ended(id);
        }
    }

    private void control(H2Control c) {
        ChannelHandlerContext ctx = h2.ctx();
        if (c.goaway()) {
            ByteBuf debug = c.debug().isEmpty() ? Unpooled.EMPTY_BUFFER
                    : Unpooled.copiedBuffer(c.debug(), StandardCharsets.UTF_8);
            h2.goAway(ctx, h2.connection().remote().lastStreamCreated(), c.errorCode(), debug, ctx.newPromise());
        } else {
            h2.encoder().writePing(ctx, false, System.nanoTime(), ctx.newPromise());
        }
    }

    /** When each stream's request began (its HEADERS), while metrics are on; the end of its response records it. */
    private final IntObjectHashMap<Long> started = new IntObjectHashMap<>();

    /** Stream {@code id}'s request began now (metrics on). */
    void requestStarted(int id) {
        if (h2.conn.h2Times != null) {
            started.put(id, (Long) System.nanoTime());
        }
    }

    /** The frame that ends stream {@code id} goes to the socket: its duration goes to the histogram. */
    private void ended(int id) {
        Long t = h2.conn.h2Times == null ? null : started.remove(id);
        if (t != null) {
            h2.conn.h2Times.record(System.nanoTime() - t);
        }
    }

    /** Stream {@code id} closed (ended or reset): a file it was sending stops. */
    void streamClosed(int id) {
        started.remove(id);
        reports.remove(id);
        FileOut f = files.remove(id);
        if (f != null) {
            f.close();
        }
    }

    void closeAll() {
        for (FileOut f : files.values()) {
            f.close();
        }
        files.clear();
    }

    /** A file part of one stream, sent as its window allows. */
    private final class FileOut {
        final int id;
        final FileChannel fc;
        long pos;
        final long end;
        final ArrayDeque<Out> after = new ArrayDeque<>();

        FileOut(int id, Out.FilePart p) throws IOException {
            this.id = id;
            this.fc = FileChannel.open(p.file().toPath(), StandardOpenOption.READ);
            this.pos = p.offset();
            this.end = p.offset() + p.count();
        }

        /**
         * Writes the next chunk; the one after it when this one has been written to the socket (which waits for
         * the stream's window), so one chunk of the file is held at a time.
         */
        void pump() {
            ChannelHandlerContext ctx = h2.ctx();
            if (files.get(id) != this) {
                return; // the stream closed meanwhile
            }
            if (pos >= end) {
                files.remove(id, this);
                closeFile();
                Out o;
                while ((o = after.poll()) != null) {
                    write(o);
                }
                h2.flush(ctx);
                return;
            }
            ByteBuf b;
            try {
                b = FileChunks.read(ctx.alloc(), fc, pos, end);
                pos += b.readableBytes();
            } catch (IOException e) {
                Log.warning("http2 fd " + h2.conn.fd + " stream " + id + ": sending a file failed: "
                        + e.getMessage());
                h2.resetStream(ctx, id, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
                return;
            }
            data(ctx, id, b, false).addListener(f -> {
                if (f.isSuccess()) {
                    pump();
                }
            });
            h2.flush(ctx);
        }

        private void closeFile() {
            try {
                fc.close();
            } catch (IOException e) {
                // read-only: nothing was lost
            }
        }

        void close() {
            closeFile();
            after.forEach(H2Connection::release);
            after.clear();
        }
    }
}
