package io.jswoole.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.nio.charset.StandardCharsets;

/**
 * The peer for HTTP/2 benchmarks: raw Netty codec-http2, h2c by prior knowledge, one event loop; every request
 * (HEADERS with END_STREAM) is answered "Hello, World!" (text/plain) from a pre-built body, the writes flushed at
 * the end of each read (Netty's connection handler does). The fast way to serve HTTP/2 on Netty: the same
 * {@code Http2ConnectionHandler} jswoole uses, without a server around it. {@code --tls CERT KEY}: h2 over TLS
 * instead (the JDK provider, ALPN {@code h2}), for the h2 rows of {@code bench/h2/run-h2-tls.sh}.
 */
public final class NettyHttp2 {
    private static final ByteBuf BODY = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes("Hello, World!".getBytes(StandardCharsets.US_ASCII)));

    private NettyHttp2() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length >= 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : 9621;
        io.netty.handler.ssl.SslContext tls = null;
        if (args.length >= 5 && args[2].equals("--tls")) {
            tls = io.netty.handler.ssl.SslContextBuilder.forServer(new java.io.File(args[3]), new java.io.File(args[4]))
                    .sslProvider(io.netty.handler.ssl.SslProvider.JDK)
                    .applicationProtocolConfig(new io.netty.handler.ssl.ApplicationProtocolConfig(
                            io.netty.handler.ssl.ApplicationProtocolConfig.Protocol.ALPN,
                            io.netty.handler.ssl.ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            io.netty.handler.ssl.ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            io.netty.handler.ssl.ApplicationProtocolNames.HTTP_2))
                    .build();
        }
        io.netty.handler.ssl.SslContext ssl = tls;
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Channel ch = new ServerBootstrap().group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        if (ssl != null) {
                            c.pipeline().addLast(ssl.newHandler(c.alloc()));
                        }
                        c.pipeline().addLast(new Builder().build());
                    }
                })
                .bind("127.0.0.1", port).sync().channel();
        System.out.println("netty http/2 (" + (ssl == null ? "h2c" : "h2 over TLS") + ") on 127.0.0.1:" + port);
        ch.closeFuture().sync();
    }

    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Handler, Builder> {
        Builder() {
            server(true);
            frameListener(new Http2FrameAdapter());
        }

        @Override
        public Handler build() {
            return super.build();
        }

        @Override
        protected Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings s) {
            Handler h = new Handler(decoder, encoder, s);
            frameListener(decoder.frameListener());
            return h;
        }
    }

    private static final class Handler extends Http2ConnectionHandler {
        Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings) {
            super(decoder, encoder, settings);
            decoder.frameListener(new Http2FrameAdapter() {
                @Override
                public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                          boolean endStream) {
                    if (endStream) {
                        answer(ctx, streamId);
                    }
                }

                @Override
                public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                                          int dependency, short weight, boolean exclusive, int padding,
                                          boolean endStream) {
                    onHeadersRead(ctx, streamId, headers, padding, endStream);
                }

                @Override
                public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                                      boolean endOfStream) {
                    if (endOfStream) {
                        answer(ctx, streamId);
                    }
                    return data.readableBytes() + padding;
                }
            });
        }

        private void answer(ChannelHandlerContext ctx, int streamId) {
            Http2Headers h = new DefaultHttp2Headers().status("200").set("content-type", "text/plain")
                    .setInt("content-length", BODY.readableBytes());
            encoder().writeHeaders(ctx, streamId, h, 0, false, ctx.voidPromise());
            encoder().writeData(ctx, streamId, BODY.duplicate(), 0, true, ctx.voidPromise());
        }
    }
}
