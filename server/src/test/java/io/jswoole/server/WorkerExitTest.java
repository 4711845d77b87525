package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** workerExit fires in a stopping worker that still has a timer, which it can clear there, as in Swoole. */
class WorkerExitTest {
    @TempDir
    Path dir;

    /** A reload stops the worker JVM; its pending timer makes it fire workerExit, which clears it; then it goes. */
    @Test
    void aReloadedWorkerWithATimerFiresWorkerExitAndGoesOnceItIsCleared() throws Exception {
        Server s = ExitApp.create(Mode.PROCESS, dir);
        try (Running r = Running.start(s); SharedModesTest.Client c = new SharedModesTest.Client(r.port())) {
            String before = c.ask("pid");
            long t0 = System.nanoTime();
            assertThat(s.reload()).isTrue();
            String after = before;
            while (after.equals(before) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20)) {
                Thread.sleep(100);
                after = c.ask("pid");
            }
            assertThat(after).as("a new worker JVM").isNotEqualTo(before);
            // gone well before max_wait_time (10 s): the timer was cleared in workerExit
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(8));
            assertThat(Files.readString(dir.resolve("exit.log"))).startsWith("exit 0 " + before + " timers=1\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aShutdownWithATimerPendingFiresWorkerExit(Mode mode) throws Exception {
        Server s = ExitApp.create(mode, dir);
        String pid;
        try (Running r = Running.start(s); SharedModesTest.Client c = new SharedModesTest.Client(r.port())) {
            pid = c.ask("pid");
            assertThat(pid.equals(Long.toString(ProcessHandle.current().pid()))).as("a worker JVM in PROCESS mode")
                    .isEqualTo(mode != Mode.PROCESS);
        }
        assertThat(Files.readString(dir.resolve("exit.log"))).startsWith("exit 0 " + pid + " timers=1\n");
    }
}
