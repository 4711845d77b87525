package io.jswoole.client;

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
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A server nobody here wrote the HTTP/2 of: Netty's own codec (h2c), with the misbehaviour the client must
 * survive on demand: {@code /reset} answers RST_STREAM ENHANCE_YOUR_CALM after the head, {@code /goaway-mid}
 * sends a head and part of the body, then GOAWAY, then closes the connection; {@code /never} sends a head and
 * nothing more; {@code /echo} echoes the body.
 */
final class NettyH2Peer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;

    NettyH2Peer() throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                    @Override
                                    protected void initChannel(Http2StreamChannel s) {
                                        s.pipeline().addLast(new PeerStream());
                                    }
                                }));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static final class PeerStream extends ChannelInboundHandlerAdapter {
        private String path;
        private final ByteBuf body = Unpooled.buffer();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            boolean end = false;
            if (msg instanceof Http2HeadersFrame h) {
                path = h.headers().path().toString();
                end = h.isEndStream();
            } else if (msg instanceof Http2DataFrame d) {
                body.writeBytes(d.content());
                end = d.isEndStream();
            }
            ReferenceCountUtil.release(msg);
            if (end) {
                answer(ctx);
            }
        }

        private void answer(ChannelHandlerContext ctx) {
            DefaultHttp2Headers ok = new DefaultHttp2Headers();
            ok.status("200");
            switch (path) {
                case "/reset" -> {
                    ctx.write(new DefaultHttp2HeadersFrame(ok, false));
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.ENHANCE_YOUR_CALM));
                }
                case "/goaway-mid" -> {
                    ctx.write(new DefaultHttp2HeadersFrame(ok, false));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("partial", StandardCharsets.UTF_8),
                            false));
                    Channel parent = ctx.channel().parent();
                    parent.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR,
                            Unpooled.copiedBuffer("maintenance", StandardCharsets.UTF_8)));
                    parent.eventLoop().schedule(() -> parent.close(), 200, TimeUnit.MILLISECONDS);
                }
                case "/never" -> ctx.writeAndFlush(new DefaultHttp2HeadersFrame(ok, false)); // no body, no end
                case "/echo" -> {
                    ctx.write(new DefaultHttp2HeadersFrame(ok, false));
                    ctx.writeAndFlush(new DefaultHttp2DataFrame(body.retain(), true));
                }
                default -> ctx.writeAndFlush(new DefaultHttp2HeadersFrame(ok, false)).channel()
                        .writeAndFlush(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("netty " + path,
                                StandardCharsets.UTF_8), true));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            body.release();
        }
    }
}
