package io.jswoole.cli.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * A client on a connected UDP socket: each datagram received is the reply to the oldest request waiting. A
 * datagram lost on the way is a timeout after {@code --timeout}; the socket is then replaced by one on a new
 * port, so that a reply arriving later cannot be taken for the answer to another request.
 */
final class DatagramClient extends Client {
    private final Bootstrap bootstrap;
    private long connectStart;

    DatagramClient(Run run, Bootstrap bootstrap, EventLoop loop, LoopStats stats, long budget, long interval,
                   long firstIntended) {
        super(run, loop, stats, budget, interval, firstIntended);
        this.bootstrap = bootstrap;
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
        long start = System.nanoTime();
        connectStart = start;
        ChannelFuture f = bootstrap.clone(loop).handler(new Handler()).connect(run.address);
        Channel ch = f.channel();
        channel = ch;
        f.addListener(result -> {
            if (ch != channel) {
                return;
            }
            if (result.isSuccess()) {
                stats.connected(System.nanoTime() - start);
                stats.open++;
                open = true;
                connectSucceeded();
                fill();
            } else {
                channel = null;
                connectFailed(Errors.ofConnect(result.cause()), this::connect);
            }
        });
    }

    @Override
    void close() {
        if (channel != null) {
            if (open) {
                stats.open--;
            }
            channel.close();
            channel = null;
        }
        open = false;
    }

    @Override
    void timeout() {
        replace(Errors.TIMEOUT);
    }

    private void replace(String errorClass) {
        failWaiting(errorClass);
        close();
        if (!done) {
            if (hasWork()) {
                connect();
            } else {
                finishIfIdle();
            }
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private boolean firstByte = true;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            if (ctx.channel() != channel) {
                return;
            }
            ByteBuf b = packet.content();
            if (firstByte) {
                firstByte = false;
                stats.firstByte(System.nanoTime() - connectStart);
            }
            stats.received(b.readableBytes());
            if (waiting() == 0) {
                stats.stray(); // an answer to nothing (a duplicate datagram)
                return;
            }
            if (unit.isReply(b)) {
                replied(b);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel) {
                fill();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel) {
                replace(Errors.ofIo(cause)); // ICMP port unreachable: refused
            }
        }
    }
}
