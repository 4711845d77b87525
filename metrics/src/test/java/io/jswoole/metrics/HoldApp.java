package io.jswoole.metrics;

import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Echo (through a task worker when asked), and a server that holds still where a test looks at it: {@code start}
 * waits for {@link #START} (the ports listen, the server has not finished starting) and {@code beforeShutdown} for
 * {@link #STOP} (the drain has begun).
 * Both callbacks run in the test's JVM in every mode (PROCESS mode fires them in the master). A worker JVM started
 * while {@link #holdFile} exists waits for it to go.
 */
public final class HoldApp implements Recipe {
    static volatile CountDownLatch START = new CountDownLatch(0);
    static volatile CountDownLatch STOP = new CountDownLatch(0);

    /** While this file exists, a worker JVM of master {@code masterPid} waits before it builds its server. */
    static java.nio.file.Path holdFile(long masterPid) {
        return java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "jswoole-hold-" + masterPid);
    }

    @Override
    public void build(Server s, Probe probe) {
        // a worker JVM (PROCESS mode) started while the test holds it stays away (at most 30 s): not up
        ProcessHandle.current().parent().map(p -> holdFile(p.pid())).ifPresent(f -> {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (java.nio.file.Files.exists(f) && System.nanoTime() < end) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        });
        // "task ..." goes through a task worker (and comes back as the task's result), anything else is echoed
        s.onReceive((x, fd, rid, data) -> x.send(fd, new String(data).startsWith("task ")
                ? (String) x.taskwait(new String(data), 10) : new String(data)));
        s.onTask((x, id, src, data) -> data);
        s.onStart(x -> await(START));
        s.onBeforeShutdown(x -> await(STOP));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
