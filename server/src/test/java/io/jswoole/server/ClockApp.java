package io.jswoole.server;

import io.jswoole.timer.Timer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server for {@link ClockJumpTest}, run in its own JVM under libfaketime: a 100 ms tick counter, a heartbeat
 * (idle 2 s), and a reply to every line with {@code ticks wallSeconds monotonicMillis}. Prints {@code PORT n} once it listens.
 */
public final class ClockApp {
    private ClockApp() {
    }

    public static void main(String[] args) {
        AtomicLong ticks = new AtomicLong();
        Server s = new Server("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1, "heartbeat_check_interval", 1, "heartbeat_idle_time", 2,
                "open_eof_split", true, "package_eof", "\n"));
        s.onWorkerStart((srv, id) -> Timer.tick(100, t -> ticks.incrementAndGet()));
        s.onReceive((srv, fd, rid, data) -> srv.send(fd, ticks.get() + " "
                + System.currentTimeMillis() / 1000 + " " + System.nanoTime() / 1_000_000 + "\n"));
        s.onStart(srv -> {
            System.out.println("PORT " + srv.port());
            System.out.flush();
        });
        s.start();
    }
}
