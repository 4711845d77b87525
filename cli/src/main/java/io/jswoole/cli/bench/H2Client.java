package io.jswoole.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;

/**
 * A client of the {@code http2} unit: one connection (h2c by prior knowledge, or h2 over {@link Tls}) through
 * Netty's {@link Http2ConnectionHandler}, which does the framing, HPACK and flow control, with a frame listener of
 * our own (no frame or stream objects of Netty's frame codec per request: the generator must not be the limit);
 * each request is a new stream, and up to {@code -P} are open at once (the encoder holds those beyond the server's
 * MAX_CONCURRENT_STREAMS back). A stream's reply is matched to its own request by stream id ({@link
 * Client#answered}), since streams end in any order. The DATA received is handed back to the flow-control window
 * at once. After GOAWAY no stream is opened; the streams the server did not take fail as {@code goaway}, and the
 * client connects again once the others end.
 */
final class H2Client extends Client {
    private final Bootstrap bootstrap;
    private final Http2Unit h2;
    private final boolean keepBodies;
    private final IntObjectMap<Pending> streams = new IntObjectHashMap<>();
    private Conn conn;
    private long connectStart;
    private boolean draining;

    /** One stream waiting: its request's number, the status, and (with --verify) the body so far. */
    private static final class Pending {
        final long seq;
        int status;
        ByteBuf body;

        Pending(long seq) {
            this.seq = seq;
        }
    }

    H2Client(Run run, Bootstrap bootstrap, EventLoop loop, LoopStats stats, long budget, long interval,
             long firstIntended) {
        super(run, loop, stats, budget, interval, firstIntended);
        this.bootstrap = bootstrap;
        this.h2 = (Http2Unit) unit;
        this.keepBodies = h2.keepsBodies(run.options.verify());
    }

    @Override
    void start() {
        connect();
    }

    private void connect() {
        if (done) {
            return;
        }
        if (run.aborted()) {
            abort(Errors.CLOSED);
            return;
        }
        connectStart = System.nanoTime();
        open = false;
        draining = false;
        Conn c = new Builder().build();
        conn = c;
        ChannelHandler handlers = run.tls != null ? run.tls.wrap(this::handshakeFailed, new Counter(), c)
                : new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Counter(), c);
                    }
                };
        ChannelFuture f = bootstrap.clone(loop).handler(handlers).connect(run.address);
        Channel ch = f.channel();
        channel = ch;
        f.addListener(result -> {
            if (!result.isSuccess() && ch == channel && !done) {
                channel = null;
                connectFailed(Errors.ofConnect(result.cause()), this::connect);
            }
        });
    }

    private void handshakeFailed(Channel ch, String errorClass) {
        if (ch == channel && !done) {
            channel = null;
            connectFailed(errorClass, this::connect);
        }
    }

    /** The bytes sent are counted on the wire, frames and HPACK included, by {@link Counter}. */
    @Override
    int wireBytes(ByteBuf request) {
        return 0;
    }

    @Override
    void write(ByteBuf body) {
        long seq = next - 1; // fill() numbered this request just before writing it
        int id = conn.connection().local().incrementAndGetNextStreamId();
        if (id < 0) { // the connection's 2^30 stream ids are used up: a new connection, as after GOAWAY
            body.release();
            draining = true;
            open = false;
            answered(seq, "goaway");
            return;
        }
        streams.put(id, new Pending(seq));
        boolean hasBody = body.isReadable();
        ChannelHandlerContext ctx = conn.ctx;
        conn.encoder().writeHeaders(ctx, id, h2.headers(), 0, !hasBody, channel.voidPromise());
        if (hasBody) {
            conn.encoder().writeData(ctx, id, body, 0, true, channel.voidPromise());
        } else {
            body.release();
        }
    }

    @Override
    void close() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        open = false;
        release();
    }

    private void release() {
        for (Pending p : streams.values()) {
            if (p.body != null) {
                p.body.release();
            }
        }
        streams.clear();
    }

    private void lost(Channel ch, String errorClass) {
        if (ch != channel) {
            return;
        }
        channel = null;
        open = false;
        release();
        failWaiting(errorClass);
        if (done) {
            return;
        }
        if (!hasWork()) {
            fill();
        } else {
            connect();
        }
    }

    @Override
    void timeout() {
        Channel ch = channel;
        if (ch != null) {
            lost(ch, Errors.TIMEOUT);
            ch.close();
        }
    }

    private void finish(int streamId, String error) {
        Pending p = streams.remove(streamId);
        if (p == null) {
            return;
        }
        String e = error != null ? error : h2.check(p.status, p.body, p.seq, run.options.verify());
        if (p.body != null) {
            p.body.release();
        }
        answered(p.seq, e);
        if (draining && streams.isEmpty() && channel != null) {
            Channel ch = channel;
            lost(ch, Errors.CLOSED); // nothing waits: only reconnects
            ch.close();
        }
    }

    /** Counts the bytes both ways (HTTP/2 frames, before the codec; inside TLS) and the time to the first one. */
    private final class Counter extends ChannelDuplexHandler {
        private boolean first = true;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf b) {
                if (first) {
                    first = false;
                    stats.firstByte(System.nanoTime() - connectStart);
                }
                stats.received(b.readableBytes());
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof ByteBuf b) {
                stats.bytesSent(b.readableBytes());
            }
            ctx.write(msg, promise);
        }
    }

    /** Makes a {@link Conn} with this client's frame listener. */
    private final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Conn, Builder> {
        Builder() {
            server(false);
            encoderEnforceMaxConcurrentStreams(true);
            frameListener(new Frames());
        }

        @Override
        protected Conn build() {
            return super.build();
        }

        @Override
        protected Conn build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            return new Conn(decoder, encoder, settings);
        }
    }

    /** One connection: Netty's HTTP/2 connection handler, and what this client does around it. */
    private final class Conn extends Http2ConnectionHandler {
        ChannelHandlerContext ctx;
        private String error;

        Conn(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            super(decoder, encoder, settings);
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
            this.ctx = ctx;
            super.handlerAdded(ctx);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            super.channelActive(ctx); // the preface and SETTINGS
            stats.connected(System.nanoTime() - connectStart);
            stats.open++;
            connectSucceeded();
            open = true;
            fill();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel() == channel) {
                fill(); // the next requests go out in one flush with the window updates the read made
            }
            super.channelReadComplete(ctx); // flushes what is left (SETTINGS acks, PING answers)
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
            Http2Exception h2e = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
            if (h2e != null) {
                if (!(h2e instanceof Http2Exception.StreamException)) {
                    error = Unit.PROTOCOL_ERROR; // the connection ends with GOAWAY
                }
                super.exceptionCaught(ctx, cause); // GOAWAY or RST_STREAM, as the codec decides
            } else {
                error = Errors.ofIo(cause);
                ctx.close();
            }
        }

        @Override
        protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
                                     Http2Exception.StreamException e) {
            super.onStreamError(ctx, outbound, cause, e); // RST_STREAM
            if (ctx.channel() == channel) {
                finish(e.streamId(), Unit.PROTOCOL_ERROR);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            stats.open--;
            super.channelInactive(ctx);
            lost(ctx.channel(), error != null ? error : Errors.CLOSED);
        }
    }

    /**
     * The frames of the connection's streams; those of a connection already given up (its last read, after a
     * GOAWAY drained it) are passed over, since the next connection numbers its streams from 1 again.
     */
    private final class Frames extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endStream)
                throws Http2Exception {
            onHeadersRead(ctx, streamId, headers, padding, endStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endStream) throws Http2Exception {
            if (ctx.channel() != channel) {
                return;
            }
            Pending p = streams.get(streamId);
            if (p != null && p.status == 0) {
                int code;
                try {
                    CharSequence st = headers.status();
                    code = st == null ? -1 : Integer.parseInt(st.toString());
                } catch (NumberFormatException e) {
                    throw Http2Exception.streamError(streamId, Http2Error.PROTOCOL_ERROR, ":status is not a number");
                }
                if (code >= 100 && code < 200) {
                    return;
                }
                p.status = code;
            }
            if (endStream) {
                finish(streamId, null);
            }
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                              boolean endOfStream) {
            int consumed = data.readableBytes() + padding; // handed back to the window at once
            if (ctx.channel() != channel) {
                return consumed;
            }
            Pending p = streams.get(streamId);
            if (p != null && keepBodies) {
                if (p.body == null) {
                    p.body = ctx.alloc().buffer(data.readableBytes());
                }
                p.body.writeBytes(data, data.readerIndex(), data.readableBytes());
            }
            if (endOfStream) {
                finish(streamId, null);
            }
            return consumed;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            if (ctx.channel() != channel) {
                return;
            }
            Http2Error e = Http2Error.valueOf(errorCode);
            finish(streamId, "reset RST_STREAM " + (e == null ? errorCode : e.name()));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            if (ctx.channel() != channel) {
                return;
            }
            draining = true;
            open = false;
            int[] ids = streams.keySet().stream().mapToInt(Integer::intValue).filter(id -> id > lastStreamId)
                    .toArray();
            for (int id : ids) {
                finish(id, "goaway");
            }
        }
    }
}
