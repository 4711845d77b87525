package io.jswoole.cluster;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * Broadcast fan-out to many WebSocket connections (10,000 by default): spread over three nodes (a cluster broadcast
 * of a room every connection joined: one stream entry per node through Redis), beside one node holding them all
 * (its local-only broadcast, a loop of {@code push} over its own connections as a Swoole program writes it, and a
 * cluster broadcast of the same room, which goes through Redis to itself). Nodes and redis-server are pinned to
 * core 0, this load (the clients, one Netty event loop) to core 1: run it under {@code taskset -c 1} and
 * {@code flock /tmp/bench.lock} (BENCHMARKS.md). Each delivery is timed from the broadcast command's send to the
 * message's arrival at that connection; a round ends when every connection has it.
 * <p>Arguments: {@code [connections] [rounds]} (10000, 20; after 3 warm-up rounds).
 */
public final class FanoutBench {
    private FanoutBench() {
    }

    /** One client connection: its answers (lines "= ...") and, per round, when the broadcast arrived. */
    private static final class Conn extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        final int index;
        final CompletableFuture<Channel> ready = new CompletableFuture<>();
        volatile CompletableFuture<String> answer;

        Conn(int index) {
            this.index = index;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ready.complete(ctx.channel());
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
            String t = f.text();
            if (t.startsWith("= ")) {
                CompletableFuture<String> a = answer;
                if (a != null) {
                    a.complete(t.substring(2));
                }
            } else if (t.startsWith("m") && index >= 0) {
                int round = Integer.parseInt(t.substring(1));
                Round r = current;
                if (r != null && r.number == round) {
                    r.arrived(index, System.nanoTime());
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ready.completeExceptionally(cause);
            ctx.close();
        }

        String ask(Channel ch, String command) throws Exception {
            CompletableFuture<String> a = new CompletableFuture<>();
            answer = a;
            ch.writeAndFlush(new TextWebSocketFrame(command));
            return a.get(30, TimeUnit.SECONDS);
        }
    }

    /** One broadcast: arrival times of every connection. */
    private static final class Round {
        final int number;
        final long[] at;
        final CountDownLatch all;
        final AtomicInteger duplicates = new AtomicInteger();
        volatile long sent;

        Round(int number, int conns) {
            this.number = number;
            this.at = new long[conns];
            this.all = new CountDownLatch(conns);
        }

        void arrived(int i, long now) {
            if (at[i] != 0) {
                duplicates.incrementAndGet();
                return;
            }
            at[i] = now;
            all.countDown();
        }
    }

    private static volatile Round current;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.setProperty("jswoole.test.xmx", "1g");
        RedisServer redis = new RedisServer();
        redis.beforeAll(null);
        new ProcessBuilder("taskset", "-pc", "0", Long.toString(redis.pid())).start().waitFor();
        List<String> core0 = List.of("taskset", "-c", "0");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        List<String> report = new ArrayList<>();
        try {
            try (Node a = Node.start(core0, "BASE", "a", redis.url(), 5);
                 Node b = Node.start(core0, "BASE", "b", redis.url(), 5);
                 Node c = Node.start(core0, "BASE", "c", redis.url(), 5)) {
                List<Channel> chs = connect(group, List.of(a.port, b.port, c.port), n, true);
                report.add(run("3 nodes, cluster broadcast", group, a.port, "bcast fan", n, rounds));
                close(chs);
            }
            redis.cli("FLUSHALL");
            try (Node a = Node.start(core0, "BASE", "a", redis.url(), 5)) {
                List<Channel> chs = connect(group, List.of(a.port), n, true);
                report.add(run("1 node, local-only broadcast (push loop)", group, a.port, "lbcast", n, rounds));
                report.add(run("1 node, cluster broadcast (through Redis)", group, a.port, "bcast fan", n, rounds));
                close(chs);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            redis.stop();
        }
        System.out.println("| setup | connections | p50 | p99 | last delivery (p50 of rounds) | deliveries/s |");
        System.out.println("|---|---|---|---|---|---|");
        report.forEach(System.out::println);
    }

    /** {@code n} connections spread round-robin over {@code ports}, each joined to room "fan" when {@code join}. */
    private static List<Channel> connect(EventLoopGroup group, List<Integer> ports, int n, boolean join)
            throws Exception {
        List<Channel> out = new ArrayList<>();
        List<Conn> conns = new ArrayList<>();
        for (int from = 0; from < n; from += 200) { // batches: the accept queue stays short
            List<Conn> batch = new ArrayList<>();
            for (int i = from; i < Math.min(n, from + 200); i++) {
                Conn conn = new Conn(i);
                open(group, ports.get(i % ports.size()), conn);
                batch.add(conn);
            }
            List<CompletableFuture<String>> joins = new ArrayList<>();
            for (Conn conn : batch) {
                Channel ch = conn.ready.get(30, TimeUnit.SECONDS);
                out.add(ch);
                conns.add(conn);
                if (join) {
                    CompletableFuture<String> a = new CompletableFuture<>();
                    conn.answer = a;
                    ch.writeAndFlush(new TextWebSocketFrame("join fan"));
                    joins.add(a);
                }
            }
            for (CompletableFuture<String> j : joins) {
                if (!"true".equals(j.get(30, TimeUnit.SECONDS))) {
                    throw new AssertionError("join failed");
                }
            }
        }
        System.out.println("connected " + n + " over " + ports.size() + " node(s)");
        return out;
    }

    private static void open(EventLoopGroup group, int port, Conn conn) {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/");
        new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536),
                        new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                                .webSocketUri(uri).handshakeTimeoutMillis(30_000).build()), conn);
            }
        }).connect("127.0.0.1", port).addListener(f -> {
            if (!f.isSuccess()) {
                conn.ready.completeExceptionally(f.cause());
            }
        });
    }

    /** Warm-up, then {@code rounds} broadcasts sent by a control connection on {@code port}; one report line. */
    private static String run(String setup, EventLoopGroup group, int port, String command, int n, int rounds)
            throws Exception {
        Conn control = new Conn(-1);
        open(group, port, control);
        Channel ch = control.ready.get(30, TimeUnit.SECONDS);
        Histogram h = new Histogram(3_600_000_000_000L, 3);
        Histogram last = new Histogram(3_600_000_000_000L, 3);
        int warmup = 3;
        long busy = 0;
        for (int r = 0; r < warmup + rounds; r++) {
            Round round = new Round(r, n);
            current = round;
            round.sent = System.nanoTime();
            String answer = control.ask(ch, command + " m" + r);
            if (!round.all.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError(setup + ": round " + r + " reached " + (n - round.all.getCount()) + " of "
                        + n + " (command answered " + answer + ")");
            }
            long end = 0;
            for (long t : round.at) {
                end = Math.max(end, t);
                if (r >= warmup) {
                    h.recordValue(t - round.sent);
                }
            }
            if (round.duplicates.get() > 0) {
                throw new AssertionError(setup + ": round " + r + " delivered " + round.duplicates.get() + " twice");
            }
            if (r >= warmup) {
                last.recordValue(end - round.sent);
                busy += end - round.sent;
            }
            Thread.sleep(200);
        }
        current = null;
        ch.close().sync();
        String line = String.format("| %s | %,d | %.2f ms | %.2f ms | %.2f ms | %,.0f |", setup, n,
                h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                last.getValueAtPercentile(50) / 1e6, (double) n * rounds / (busy / 1e9));
        System.out.println(line);
        return line;
    }

    private static void close(List<Channel> chs) throws InterruptedException {
        for (Channel ch : chs) {
            ch.close();
        }
        for (Channel ch : chs) {
            ch.closeFuture().await(5, TimeUnit.SECONDS);
        }
    }
}
