package io.jswoole.bench.process;

import io.jswoole.coroutine.CoSystem;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.process.Process;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The figures of issue 20 (BENCHMARKS.md, "Processes"), run by {@code bench/process.sh}: a child JVM's start to
 * its first message, a plain {@code ProcessBuilder} of {@code /bin/true}, pipe round trips parent to child, and
 * 500 concurrent {@code exec}s from coroutines beside platform threads. {@code start} is run twice by the script:
 * once as is (the child gets its AppCDS archive) and once with {@code -Xshare:auto} on the command line (the
 * JDK's default, but a command that chooses its class-data sharing gets no archive of ours).
 */
public final class ProcessBench {
    private ProcessBench() {
    }

    /** The child: answers every message with itself until the pipe ends. */
    public static void echo(Process self) throws IOException {
        for (byte[] m; (m = self.read()) != null; ) {
            self.write(m);
        }
    }

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "all";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        switch (what) {
            case "start" -> start(rounds);
            case "true" -> binTrue(rounds * 50);
            case "pipe" -> pipe(rounds);
            case "exec" -> exec(rounds);
            case "event" -> event(rounds);
            default -> {
                start(rounds);
                binTrue(rounds * 50);
                pipe(rounds);
                exec(rounds);
            }
        }
    }

    private static void start(int rounds) throws Exception {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            long t0 = System.nanoTime();
            Process p = new Process(ProcessBench.class, "echo");
            p.start();
            p.write("first");
            byte[] back = p.read();
            ms.add((System.nanoTime() - t0) / 1_000_000);
            if (back == null || !new String(back).equals("first")) {
                throw new IllegalStateException("the child answered " + (back == null ? null : new String(back)));
            }
            p.close(0);
            Process.wait(true);
        }
        System.out.println("child JVM start to first message, ms, rounds 1-" + rounds + ": " + ms);
    }

    private static void binTrue(int n) throws Exception {
        for (int i = 0; i < 20; i++) {
            new ProcessBuilder("/bin/true").start().waitFor();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            new ProcessBuilder("/bin/true").start().waitFor();
        }
        System.out.printf("ProcessBuilder /bin/true spawn and wait, sequential: %.2f ms each (%d)%n",
                (System.nanoTime() - t0) / 1e6 / n, n);
    }

    private static void pipe(int rounds) throws Exception {
        Process p = new Process(ProcessBench.class, "echo");
        p.start();
        byte[] msg = "0123456789abcdef".getBytes();
        for (int i = 0; i < 20_000; i++) { // warm-up
            p.write(msg);
            p.read();
        }
        List<Long> perSecond = new ArrayList<>();
        for (int r = 0; r < Math.min(rounds, 5); r++) {
            long n = 0;
            long end = System.nanoTime() + 2_000_000_000L;
            long t0 = System.nanoTime();
            while (System.nanoTime() < end) {
                p.write(msg);
                if (p.read().length != msg.length) {
                    throw new IllegalStateException("short answer");
                }
                n++;
            }
            perSecond.add(n * 1_000_000_000L / (System.nanoTime() - t0));
        }
        p.close(0);
        Process.wait(true);
        System.out.println("pipe round trips parent to child, 16-byte DGRAM messages, one at a time, per second, "
                + "2 s runs: " + perSecond);
    }

    private static void exec(int rounds) throws Exception {
        int n = 500;
        for (int r = 0; r < Math.min(rounds, 4); r++) {
            String[] out = new String[n];
            long t0 = System.nanoTime();
            Coroutine.run(() -> {
                for (int i = 0; i < n; i++) {
                    int id = i;
                    Coroutine.go(() -> {
                        try {
                            out[id] = CoSystem.exec("echo " + id).output();
                        } catch (IOException e) {
                            out[id] = e.toString();
                        }
                    });
                }
            });
            long co = (System.nanoTime() - t0) / 1_000_000;
            check(out);
            String[] out2 = new String[n];
            CountDownLatch done = new CountDownLatch(n);
            t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                int id = i;
                Thread.ofPlatform().start(() -> {
                    try {
                        java.lang.Process pr = new ProcessBuilder("/bin/sh", "-c", "echo " + id).start();
                        out2[id] = new String(pr.getInputStream().readAllBytes());
                        pr.waitFor();
                    } catch (IOException | InterruptedException e) {
                        out2[id] = e.toString();
                    }
                    done.countDown();
                });
            }
            done.await();
            long threads = (System.nanoTime() - t0) / 1_000_000;
            check(out2);
            System.out.println("500 concurrent exec of 'echo N', every output right: coroutines (CoSystem.exec) "
                    + co + " ms, platform threads (ProcessBuilder) " + threads + " ms");
        }
    }

    /**
     * Echo round trips on a loopback TCP connection inside one {@code Coroutine.run}: the server side in the event
     * loop ({@code Event.add}, a read callback that echoes with {@code Event.write}) against the same echo as a
     * coroutine blocking on the socket (the JDK's poller); the client is a coroutine with one 16-byte message in
     * flight. The difference is what the loop's selector thread and its hand-off to the carrier cost.
     */
    private static void event(int rounds) throws Exception {
        for (boolean loop : new boolean[] {true, false, true, false}) {
            long[] result = new long[Math.min(rounds, 3)];
            Coroutine.run(() -> {
                try {
                    var listener = java.nio.channels.ServerSocketChannel.open()
                            .bind(new java.net.InetSocketAddress("127.0.0.1", 0));
                    var client = java.nio.channels.SocketChannel.open(listener.getLocalAddress());
                    client.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    var server = listener.accept();
                    server.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                    java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(64);
                    if (loop) {
                        io.jswoole.event.Event.add(server, s -> {
                            in.clear();
                            int n = s.read(in);
                            if (n < 0) {
                                io.jswoole.event.Event.del(s);
                                s.close();
                            } else if (n > 0) {
                                io.jswoole.event.Event.write(s, java.util.Arrays.copyOf(in.array(), n));
                            }
                        });
                    } else {
                        Coroutine.go(() -> {
                            try (server) {
                                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(64);
                                while (true) {
                                    b.clear();
                                    if (server.read(b) < 0) {
                                        return;
                                    }
                                    b.flip();
                                    server.write(b);
                                }
                            } catch (IOException e) {
                                // closed
                            }
                        });
                    }
                    java.nio.ByteBuffer msg = java.nio.ByteBuffer.wrap("0123456789abcdef".getBytes());
                    java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(16);
                    for (int r = -1; r < result.length; r++) { // round -1: warm-up
                        long n = 0;
                        long t0 = System.nanoTime();
                        long end = t0 + 2_000_000_000L;
                        while (System.nanoTime() < end) {
                            msg.rewind();
                            client.write(msg);
                            back.clear();
                            while (back.hasRemaining()) {
                                client.read(back);
                            }
                            n++;
                        }
                        if (r >= 0) {
                            result[r] = n * 1_000_000_000L / (System.nanoTime() - t0);
                        }
                    }
                    client.close();
                    listener.close();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            System.out.println("echo round trips/s, 16 bytes, one in flight, server side "
                    + (loop ? "in the Event loop:        " : "a coroutine blocking on it: ") + Arrays.toString(result));
        }
    }

    private static void check(String[] out) {
        for (int i = 0; i < out.length; i++) {
            if (!(i + "\n").equals(out[i])) {
                throw new IllegalStateException("command " + i + " printed " + out[i]);
            }
        }
    }
}
