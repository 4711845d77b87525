package io.jswoole.bench.task;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.coroutine.WaitGroup;
import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import java.util.Locale;
import java.util.Map;

/**
 * Task round trips: {@code ./jswoole bench task [--mode base|thread|process] [--coroutines C] [--seconds S]}.
 * One worker and one task worker; when the worker starts, C coroutines each call {@code taskwait} (a 16-byte
 * string, echoed upper-cased by the task worker) in a loop, first for a warm-up of S seconds, then three timed
 * runs of S seconds; the worker prints round trips per second and shuts the server down. In PROCESS mode the
 * worker and the task worker are JVMs of their own, and the payload crosses the master both ways.
 */
public final class TaskBench {
    private TaskBench() {
    }

    public static void main(String[] args) {
        Mode mode = Mode.BASE;
        int coroutines = 16;
        int seconds = 5;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--mode" -> mode = Mode.valueOf(args[i + 1].toUpperCase(Locale.ROOT));
                case "--coroutines" -> coroutines = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        Server s = new Server("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 1, "task_worker_num", 1, "reactor_num", 1, "log_level", 4));
        s.onReceive((srv, fd, rid, data) -> { });
        s.onTask((srv, taskId, src, data) -> ((String) data).toUpperCase(Locale.ROOT));
        int n = coroutines;
        long nanos = seconds * 1_000_000_000L;
        Mode m = mode;
        s.onWorkerStart((srv, workerId) -> {
            if (srv.isTaskWorker()) {
                return;
            }
            Coroutine.go(() -> {
                run(srv, n, nanos); // warm-up
                for (int r = 1; r <= 3; r++) {
                    long t0 = System.nanoTime();
                    long trips = run(srv, n, nanos);
                    double perSec = trips / ((System.nanoTime() - t0) / 1e9);
                    System.out.printf("task %s run %d: %,.0f round trips/s (%d coroutines)%n", m, r, perSec, n);
                }
                srv.shutdown();
            });
        });
        s.start();
    }

    private static long run(Server srv, int coroutines, long nanos) {
        long[] trips = new long[coroutines];
        long end = System.nanoTime() + nanos;
        WaitGroup wg = new WaitGroup();
        for (int i = 0; i < coroutines; i++) {
            int k = i;
            wg.add(1);
            Coroutine.go(() -> {
                try {
                    while (System.nanoTime() < end) {
                        if (!"ABCDEFGHIJKLMNOP".equals(srv.taskwait("abcdefghijklmnop", 5))) {
                            throw new IllegalStateException("wrong task result");
                        }
                        trips[k]++;
                    }
                } finally {
                    wg.done();
                }
            });
        }
        wg.await(-1);
        long sum = 0;
        for (long t : trips) {
            sum += t;
        }
        return sum;
    }
}
