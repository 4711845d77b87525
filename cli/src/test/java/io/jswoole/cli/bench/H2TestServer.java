package io.jswoole.cli.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;

/**
 * A misbehaving h2c echo server on Netty's own codec, for the http2 unit's error classes: it echoes each
 * request's body, but flips the first byte of every {@code corruptEvery}-th reply, and resets
 * ({@code RST_STREAM REFUSED_STREAM}) every {@code resetEvery}-th stream instead of answering (0: never); and
 * with {@code goAwayEvery}, sends GOAWAY (NO_ERROR) on a connection after answering that many of its streams,
 * refusing the streams opened after it (the client must fail those as {@code goaway} and connect again).
 */
final class H2TestServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private static final AttributeKey<Integer> ANSWERED = AttributeKey.valueOf("answered");
    private final AtomicLong count = new AtomicLong();

    H2TestServer(int corruptEvery, int resetEvery) throws InterruptedException {
        this(corruptEvery, resetEvery, 0);
    }

    H2TestServer(int corruptEvery, int resetEvery, int goAwayEvery) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel s) {
                                        s.pipeline().addLast(new Echo(corruptEvery, resetEvery, goAwayEvery));
                                    }
                                }));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    String target() {
        return "tcp://127.0.0.1:" + ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private final class Echo extends ChannelInboundHandlerAdapter {
        private final int corruptEvery;
        private final int resetEvery;
        private final int goAwayEvery;
        private final ByteBuf body = Unpooled.buffer();

        Echo(int corruptEvery, int resetEvery, int goAwayEvery) {
            this.corruptEvery = corruptEvery;
            this.resetEvery = resetEvery;
            this.goAwayEvery = goAwayEvery;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                body.writeBytes(d.content());
                end = d.isEndStream();
            }
            ReferenceCountUtil.release(msg);
            if (!end) {
                return;
            }
            long n = count.incrementAndGet();
            if (resetEvery > 0 && n % resetEvery == 0) {
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM));
                return;
            }
            if (corruptEvery > 0 && n % corruptEvery == 0 && body.isReadable()) {
                body.setByte(0, body.getByte(0) ^ 0x20);
            }
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
            ctx.writeAndFlush(new DefaultHttp2DataFrame(body.retain(), true));
            if (goAwayEvery > 0) {
                Channel parent = ctx.channel().parent();
                Attribute<Integer> answered = parent.attr(ANSWERED);
                int a = answered.get() == null ? 1 : answered.get() + 1;
                answered.set(a);
                if (a == goAwayEvery) {
                    parent.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            body.release();
        }
    }
}
