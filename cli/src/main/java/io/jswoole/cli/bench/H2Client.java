package io.jswoole.cli.bench;

import java.util.IdentityHashMap;
import java.util.Map;

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
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * A client of the {@code http2} unit: one connection (h2c by prior knowledge, or h2 over {@link Tls}) through
 * Netty's {@link Http2FrameCodec}, which does the framing, HPACK and flow control; each request is a new stream, and
 * up to {@code -P} are open at once (the codec queues those beyond the server's MAX_CONCURRENT_STREAMS). A
 * stream's reply is matched to its own request ({@link Client#answered}), since streams end in any order. The
 * DATA received is handed back to the flow-control window at once. After GOAWAY no stream is opened; the
 * streams the server did not take fail as {@code goaway}, and the client connects again once the others end.
 */
final class H2Client extends Client {
    private final Bootstrap bootstrap;
    private final Http2Unit h2;
    private final boolean keepBodies;
    private final Map<Http2FrameStream, Pending> streams = new IdentityHashMap<>();
    private Handler handler;
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
        Http2FrameCodec c = Http2FrameCodecBuilder.forClient().encoderEnforceMaxConcurrentStreams(true).build();
        Handler h = new Handler();
        handler = h;
        ChannelHandler handlers = run.tls != null ? run.tls.wrap(this, this::connect, new Counter(), c, h)
                : new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Counter(), c, h);
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

    /** The bytes sent are counted on the wire, frames and HPACK included, by {@link Counter}. */
    @Override
    int wireBytes(ByteBuf request) {
        return 0;
    }

    @Override
    void write(ByteBuf body) {
        Http2FrameStream s = handler.newStream();
        streams.put(s, new Pending(next - 1)); // fill() numbered this request just before writing it
        boolean hasBody = body.isReadable();
        channel.write(new DefaultHttp2HeadersFrame(h2.headers(), !hasBody).stream(s), channel.voidPromise());
        if (hasBody) {
            channel.write(new DefaultHttp2DataFrame(body, true).stream(s), channel.voidPromise());
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

    private void finish(Http2FrameStream s, String error) {
        Pending p = streams.remove(s);
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

    /** The frames of the connection's streams, after the codec. */
    private final class Handler extends io.netty.handler.codec.http2.Http2ChannelDuplexHandler {
        private String error;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            stats.connected(System.nanoTime() - connectStart);
            stats.open++;
            connectSucceeded();
            open = true;
            fill();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame f) {
                    Pending p = streams.get(f.stream());
                    if (p != null && p.status == 0) {
                        CharSequence st = f.headers().status();
                        int code = st == null ? -1 : Integer.parseInt(st.toString());
                        if (code >= 100 && code < 200) {
                            return;
                        }
                        p.status = code;
                    }
                    if (f.isEndStream()) {
                        finish(f.stream(), null);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    int bytes = d.initialFlowControlledBytes();
                    if (bytes > 0) {
                        ctx.write(new DefaultHttp2WindowUpdateFrame(bytes).stream(d.stream()));
                    }
                    Pending p = streams.get(d.stream());
                    if (p != null && keepBodies) {
                        if (p.body == null) {
                            p.body = ctx.alloc().buffer(d.content().readableBytes());
                        }
                        p.body.writeBytes(d.content());
                    }
                    if (d.isEndStream()) {
                        finish(d.stream(), null);
                    }
                } else if (msg instanceof Http2ResetFrame r) {
                    Http2Error e = Http2Error.valueOf(r.errorCode());
                    finish(r.stream(), "reset RST_STREAM " + (e == null ? r.errorCode() : e.name()));
                } else if (msg instanceof Http2GoAwayFrame g) {
                    draining = true;
                    open = false;
                    for (Http2FrameStream s : streams.keySet().toArray(Http2FrameStream[]::new)) {
                        if (s.id() > g.lastStreamId() || s.id() < 0) {
                            finish(s, "goaway");
                        }
                    }
                }
            } catch (NumberFormatException e) {
                error = Unit.PROTOCOL_ERROR;
                ctx.close();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // the window updates
            if (ctx.channel() == channel) {
                fill();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error = cause instanceof io.netty.handler.codec.http2.Http2Exception ? Unit.PROTOCOL_ERROR
                    : Errors.ofIo(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stats.open--;
            lost(ctx.channel(), error != null ? error : Errors.CLOSED);
        }
    }
}
