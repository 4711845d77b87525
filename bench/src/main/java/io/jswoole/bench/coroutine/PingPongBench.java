package io.jswoole.bench.coroutine;

import io.jswoole.coroutine.Channel;
import io.jswoole.coroutine.Coroutine;
import java.util.concurrent.SynchronousQueue;

/**
 * Channel ping-pong between two coroutines: switches per second (each push that wakes the other side and parks
 * the pusher is one switch; a round trip is two).
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp ... io.jswoole.bench.coroutine.PingPongBench MODE ROUNDS
 * </pre>
 * MODE {@code jswoole}: two {@link Channel}s of capacity 1 in {@code Coroutine.run}; {@code jdk}: two virtual
 * threads on the JDK's default scheduler handing over through {@link SynchronousQueue}s.
 */
public final class PingPongBench {
    private PingPongBench() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "jswoole";
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5_000_000;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            if (mode.equals("jswoole")) {
                Coroutine.run(() -> {
                    Channel<Integer> ping = new Channel<>(1);
                    Channel<Integer> pong = new Channel<>(1);
                    Coroutine.go(() -> {
                        for (int i = 0; i < rounds; i++) {
                            pong.push(ping.pop());
                        }
                    });
                    Integer ball = 1;
                    for (int i = 0; i < rounds; i++) {
                        ping.push(ball);
                        ball = pong.pop();
                    }
                });
            } else {
                SynchronousQueue<Integer> ping = new SynchronousQueue<>();
                SynchronousQueue<Integer> pong = new SynchronousQueue<>();
                Thread other = Thread.ofVirtual().start(() -> {
                    try {
                        for (int i = 0; i < rounds; i++) {
                            pong.put(ping.take());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                Thread self = Thread.ofVirtual().start(() -> {
                    try {
                        Integer ball = 1;
                        for (int i = 0; i < rounds; i++) {
                            ping.put(ball);
                            ball = pong.take();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                self.join();
                other.join();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s run %d: %,d round trips in %.0f ms: %,.0f switches/s%n", mode, run + 1, rounds,
                    secs * 1000, 2 * rounds / secs);
        }
    }
}
