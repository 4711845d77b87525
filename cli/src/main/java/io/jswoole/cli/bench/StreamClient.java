package io.jswoole.cli.bench;

import java.util.List;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * A client on a byte stream (TCP or a Unix socket): one connection kept open and reopened when it fails, or,
 * for a unit with {@link Unit#connectionPerRequest()} ({@code short_tcp}), one connection per request, whose
 * latency then runs from the start of its connect. Replies are cut out of the stream with the unit's
 * {@link Unit#replyLength}.
 */
final class StreamClient extends Client {
    private final Bootstrap bootstrap;
    private final boolean perRequest;
    private long connectStart;

    StreamClient(Run run, Bootstrap bootstrap, EventLoop loop, LoopStats stats, long budget, long interval,
                 long firstIntended) {
        super(run, loop, stats, budget, interval, firstIntended);
        this.bootstrap = bootstrap;
        this.perRequest = unit.connectionPerRequest();
    }

    @Override
    void start() {
        if (perRequest) {
            fill();
        } else {
            connect();
        }
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
        Handler h = new Handler();
        ChannelFuture f = bootstrap.clone(loop).handler(run.tls == null ? h : run.tls.wrap(this, this::connect, h))
                .connect(run.address);
        Channel ch = f.channel();
        channel = ch;
        f.addListener(result -> {
            if (!result.isSuccess() && ch == channel && !done) { // not closed here on purpose
                channel = null;
                connectFailed(Errors.ofConnect(result.cause()), this::connect);
            }
        });
    }

    @Override
    void fill() {
        if (perRequest && channel == null && !done) {
            long now = System.nanoTime();
            if (hasWork() && !pastDeadline(now) && due(now)) {
                connect();
            } else {
                finishIfIdle();
            }
            return;
        }
        super.fill();
    }

    @Override
    long sendTime(long now) {
        return perRequest ? connectStart : now;
    }

    @Override
    void close() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
        open = false;
    }

    /** The connection is gone: what waited fails under {@code errorClass}; the next connection starts. */
    private void lost(Channel ch, String errorClass) {
        if (ch != channel) {
            return; // closed here on purpose, already accounted for
        }
        channel = null;
        open = false;
        failWaiting(errorClass);
        if (done) {
            return;
        }
        if (perRequest || !hasWork()) {
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

    /** The pipeline end of one connection: the handshake, then replies. */
    private final class Handler extends ByteToMessageDecoder {
        private boolean handshaking;
        private boolean firstByte = true;
        private String error;

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            stats.connected(System.nanoTime() - connectStart);
            stats.open++;
            connectSucceeded();
            byte[] hs = unit.handshake();
            if (hs != null) {
                handshaking = true;
                ctx.writeAndFlush(ctx.alloc().buffer(hs.length).writeBytes(hs));
                stats.bytesSent(hs.length);
            } else {
                open = true;
                fill();
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof ByteBuf b) {
                if (firstByte) {
                    firstByte = false;
                    stats.firstByte(System.nanoTime() - connectStart);
                }
                stats.received(b.readableBytes());
            }
            super.channelRead(ctx, msg);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            while (in.isReadable() && ctx.channel() == channel) {
                int n = handshaking ? unit.handshakeLength(in) : unit.replyLength(in);
                if (n == 0) {
                    return;
                }
                if (n < 0) {
                    in.skipBytes(in.readableBytes());
                    fail(ctx, Unit.PROTOCOL_ERROR);
                    return;
                }
                if (!handshaking && waiting() == 0) {
                    stats.stray(); // a whole reply to nothing: a server push (a WebSocket broadcast, RESP3 >)
                    in.skipBytes(n);
                    continue;
                }
                ByteBuf frame = in.slice(in.readerIndex(), n);
                try {
                    if (handshaking) {
                        handshaken(ctx, frame);
                    } else if (unit.isReply(frame)) {
                        reply(ctx, frame);
                    }
                } finally {
                    in.skipBytes(n);
                }
            }
        }

        private void handshaken(ChannelHandlerContext ctx, ByteBuf frame) {
            handshaking = false;
            String e = unit.checkHandshake(frame);
            if (e != null) {
                channel = null;
                ctx.close();
                connectFailed(e, StreamClient.this::connect);
                return;
            }
            open = true;
            fill();
        }

        private void reply(ChannelHandlerContext ctx, ByteBuf frame) {
            replied(frame);
            if (unit.closesAfter(frame)) {
                fail(ctx, Errors.CLOSED);
            } else if (perRequest) {
                Channel ch = channel;
                channel = null;
                open = false;
                ch.close();
                fill();
            }
        }

        private void fail(ChannelHandlerContext ctx, String errorClass) {
            Channel ch = ctx.channel();
            lost(ch, errorClass);
            ch.close();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
            super.channelReadComplete(ctx);
            if (ctx.channel() == channel) {
                fill();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error = Errors.ofIo(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            stats.open--;
            super.channelInactive(ctx);
            lost(ctx.channel(), error != null ? error : Errors.CLOSED);
        }
    }
}
