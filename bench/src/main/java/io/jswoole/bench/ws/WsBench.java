package io.jswoole.bench.ws;

import io.jswoole.server.Mode;
import io.jswoole.websocket.WebSocketServer;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * WebSocket echo: {@code ./jswoole bench ws --port P [--conns 64] [--size 64]} is the load generator (one text
 * message in flight per connection, on one event loop); {@code ws-server --port P [--mode base|thread|process]} is
 * jswoole's WebSocketServer echoing every message; {@code ws-netty-echo --port P} is the raw Netty peer.
 */
public final class WsBench {
    private WsBench() {
    }

    public static void main(String[] args) throws Exception {
        String what = args[0];
        int port = 9701, conns = 64, size = 64, seconds = 5, warmup = 10, runs = 3;
        Mode mode = Mode.BASE;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--conns" -> conns = Integer.parseInt(args[i + 1]);
                case "--size" -> size = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                case "--mode" -> mode = Mode.valueOf(args[i + 1].toUpperCase(java.util.Locale.ROOT));
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        switch (what) {
            case "ws-server" -> {
                WebSocketServer s = new WebSocketServer("127.0.0.1", port, mode);
                s.set(Map.of("worker_num", 1, "reactor_num", 1, "log_level", 4));
                s.onMessage((srv, f) -> srv.push(f.fd(), f.data(), f.opcode()));
                s.start();
            }
            case "ws-netty-echo" -> nettyEcho(port);
            default -> load(port, conns, size, seconds, warmup, runs);
        }
    }

    private static void nettyEcho(int port) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Channel ch = new ServerBootstrap().group(group).channel(EpollServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/"), new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        ctx.write(msg, ctx.voidPromise()); // the frame itself, echoed
                                    }

                                    @Override
                                    public void channelReadComplete(ChannelHandlerContext ctx) {
                                        ctx.flush();
                                    }
                                });
                    }
                }).bind("127.0.0.1", port).sync().channel();
        System.out.println("ws-netty-echo listening on 127.0.0.1:" + port);
        ch.closeFuture().sync();
    }

    private static void load(int port, int conns, int size, int seconds, int warmup, int runs) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        long[] count = new long[1];
        String text = "x".repeat(size);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/");
        List<Channel> channels = new ArrayList<>();
        try {
            Bootstrap b = new Bootstrap().group(group).channel(EpollSocketChannel.class)
                    .handler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                            .webSocketUri(uri).build()), new ChannelInboundHandlerAdapter() {
                                        @Override
                                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent
                                                    .HANDSHAKE_COMPLETE) {
                                                ctx.writeAndFlush(new TextWebSocketFrame(text));
                                            }
                                        }

                                        @Override
                                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                            io.netty.util.ReferenceCountUtil.release(msg);
                                            count[0]++;
                                            ctx.write(new TextWebSocketFrame(text));
                                        }

                                        @Override
                                        public void channelReadComplete(ChannelHandlerContext ctx) {
                                            ctx.flush();
                                        }
                                    });
                        }
                    });
            for (int i = 0; i < conns; i++) {
                channels.add(b.connect("127.0.0.1", port).sync().channel());
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            List<Double> rates = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long before = group.next().submit(() -> count[0]).get();
                long t0 = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                long after = group.next().submit(() -> count[0]).get();
                double rate = (after - before) / ((System.nanoTime() - t0) / 1e9);
                rates.add(rate);
                System.out.printf("run %d: %.0f msg/s%n", r + 1, rate);
            }
            rates.sort(null);
            System.out.printf("ws median_msgs_per_s=%.0f conns=%d size=%d%n", rates.get(rates.size() / 2), conns, size);
        } finally {
            for (Channel c : channels) {
                c.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
