package io.jswoole.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The TCP echo load generator ({@code ./jswoole bench}): {@code --conns} connections on one event loop, each
 * keeping one {@code --size}-byte message in flight (send, wait for the whole echo, send again), so the load is
 * {@code conns} messages in flight. Prints messages per second after a warm-up.
 * <p>{@code ./jswoole bench netty-echo --port P} runs the peer: a raw Netty echo server on one event loop.
 */
public final class EchoBench {
    private EchoBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("netty-echo")) {
            NettyEcho.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("task")) {
            io.jswoole.bench.task.TaskBench.main(args);
            return;
        }
        if (args.length > 0 && args[0].startsWith("ws")) {
            io.jswoole.bench.ws.WsBench.main(args);
            return;
        }
        String host = "127.0.0.1";
        int port = 9501, conns = 64, size = 64, seconds = 10, warmup = 5, runs = 3;
        boolean framed = false;
        for (int i = 0; i < args.length; i += 2) {
            String v = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--host" -> host = v;
                case "--port" -> port = Integer.parseInt(v);
                case "--conns" -> conns = Integer.parseInt(v);
                case "--size" -> size = Integer.parseInt(v);
                case "--seconds" -> seconds = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--framed" -> {
                    framed = true; // a 4-byte big-endian length, then size - 4 bytes (open_length_check, 'N', 4)
                    i--;
                }
                default -> {
                    System.out.println("usage: ./jswoole bench [--host H] [--port P] [--conns 64] [--size 64] "
                            + "[--seconds 10] [--warmup 5] [--runs 3] [--framed]\n"
                            + "       ./jswoole bench netty-echo --port P");
                    return;
                }
            }
        }
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        long[] counter = new long[1];
        byte[] payload = new byte[size];
        java.util.Arrays.fill(payload, (byte) 'x');
        if (framed) {
            java.nio.ByteBuffer.wrap(payload).putInt(size - 4);
        }
        ByteBuf message = Unpooled.unreleasableBuffer(Unpooled.directBuffer(size).writeBytes(payload));
        int msgSize = size;
        List<Channel> channels = new ArrayList<>();
        try {
            Bootstrap b = new Bootstrap().group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInboundHandlerAdapter() {
                        @Override
                        public boolean isSharable() {
                            return true;
                        }

                        @Override
                        public void channelActive(ChannelHandlerContext ctx) {
                            ctx.writeAndFlush(message.duplicate());
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ByteBuf in = (ByteBuf) msg;
                            Integer got = ctx.channel().attr(PENDING).get();
                            int total = (got == null ? 0 : got) + in.readableBytes();
                            in.release();
                            while (total >= msgSize) {
                                total -= msgSize;
                                counter[0]++;
                                ctx.write(message.duplicate());
                            }
                            ctx.channel().attr(PENDING).set(total);
                        }

                        @Override
                        public void channelReadComplete(ChannelHandlerContext ctx) {
                            ctx.flush();
                        }
                    });
            for (int i = 0; i < conns; i++) {
                channels.add(b.connect(host, port).sync().channel());
            }
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
            List<Double> rates = new ArrayList<>();
            for (int r = 0; r < runs; r++) {
                long before = read(group, counter);
                long t0 = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
                long after = read(group, counter);
                double rate = (after - before) / ((System.nanoTime() - t0) / 1e9);
                rates.add(rate);
                System.out.printf("run %d: %.0f msg/s%n", r + 1, rate);
            }
            rates.sort(null);
            System.out.printf("echo median_msgs_per_s=%.0f conns=%d size=%d seconds=%d%n",
                    rates.get(rates.size() / 2), conns, size, seconds);
        } finally {
            for (Channel ch : channels) {
                ch.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static final io.netty.util.AttributeKey<Integer> PENDING = io.netty.util.AttributeKey.valueOf("pending");

    /** Reads the counter on the event loop that writes it. */
    private static long read(EventLoopGroup group, long[] counter) throws Exception {
        return group.next().submit(() -> counter[0]).get();
    }
}
