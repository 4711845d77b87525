package io.jswoole.server.os;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.NotifyApp;
import io.jswoole.server.Running;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * systemd's notify protocol against a fake {@code NOTIFY_SOCKET}: a Unix datagram socket of the test's own that
 * collects what a server in another JVM sends, through start, watchdog, a reload (PROCESS mode, the one with workers
 * to reload) and SIGTERM.
 */
public class SystemdNotifyTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void notifiesReadyWatchdogReloadingAndStoppingInOrder(Mode mode) throws Exception {
        Assumptions.assumeTrue(Epoll.isAvailable(), "native epoll (Linux) is needed for Unix datagram sockets");
        Path socket = tmp.resolve("notify");
        BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        Channel receiver = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        messages.add(p.content().toString(StandardCharsets.UTF_8));
                    }
                }).bind(new DomainSocketAddress(socket.toString())).sync().channel();
        Path out = tmp.resolve("out.txt");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-cp", cp,
                NotifyApp.class.getName(), mode.name()).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("NOTIFY_SOCKET", socket.toString());
        pb.environment().put("WATCHDOG_USEC", "200000");
        Process p = pb.start();
        List<String> seen = new ArrayList<>();
        try {
            String ready = await(messages, seen, m -> m.contains("READY=1"));
            assertThat(ready).contains("STATUS=serving: ");
            assertThat(echo(port(out), "hello")).as("READY=1 came after the port listens").isEqualTo("hello");
            await(messages, seen, m -> m.contains("WATCHDOG=1"));
            if (mode == Mode.PROCESS) {
                new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor();
                String reloading = await(messages, seen, m -> m.contains("RELOADING=1"));
                assertThat(reloading).containsPattern("(?m)^MONOTONIC_USEC=\\d+$");
                await(messages, seen, m -> m.contains("READY=1"));
                await(messages, seen, m -> m.contains("WATCHDOG=1"));
            }
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("stopped").isTrue();
            assertThat(p.exitValue()).as(Files.readString(out)).isZero();
            String m;
            while ((m = messages.poll(1, TimeUnit.SECONDS)) != null) {
                seen.add(m);
            }
        } finally {
            p.destroyForcibly();
            receiver.close().sync();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        List<String> order = new ArrayList<>();
        for (String m : seen) {
            for (String word : new String[] {"READY=1", "RELOADING=1", "STOPPING=1", "WATCHDOG=1"}) {
                if (m.lines().anyMatch(word::equals) && !(word.equals("WATCHDOG=1") && !order.isEmpty()
                        && order.getLast().equals(word))) {
                    order.add(word);
                }
            }
        }
        List<String> expected = mode == Mode.PROCESS
                ? List.of("READY=1", "WATCHDOG=1", "RELOADING=1", "READY=1", "WATCHDOG=1", "STOPPING=1")
                : List.of("READY=1", "WATCHDOG=1", "STOPPING=1");
        // a reload may take several watchdog periods: the pings go on while workers are replaced on purpose
        List<String> withoutReloadPings = new ArrayList<>(order);
        if (mode == Mode.PROCESS) {
            int r = withoutReloadPings.indexOf("RELOADING=1");
            int back = withoutReloadPings.subList(r, withoutReloadPings.size()).indexOf("READY=1") + r;
            withoutReloadPings.subList(r + 1, back).removeIf("WATCHDOG=1"::equals);
        }
        assertThat(withoutReloadPings).as("in order: " + seen).isEqualTo(expected);
        assertThat(seen.getLast()).as("nothing after STOPPING=1").contains("STOPPING=1");
    }

    private static String await(BlockingQueue<String> q, List<String> seen, Predicate<String> what)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < end) {
            String m = q.poll(100, TimeUnit.MILLISECONDS);
            if (m != null) {
                seen.add(m);
                if (what.test(m)) {
                    return m;
                }
            }
        }
        throw new AssertionError("not received; got " + seen);
    }

    private static int port(Path out) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            for (String line : Files.readAllLines(out)) {
                if (line.startsWith("PORT ")) {
                    return Integer.parseInt(line.substring(5).trim());
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no PORT line: " + Files.readString(out));
    }

    private static String echo(int port, String msg) throws Exception {
        try (Socket c = Running.connect(port)) {
            OutputStream o = c.getOutputStream();
            o.write((msg + "\n").getBytes());
            o.flush();
            return new BufferedReader(new InputStreamReader(c.getInputStream())).readLine();
        }
    }
}
