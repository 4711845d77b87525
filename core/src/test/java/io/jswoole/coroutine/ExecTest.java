package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link CoSystem#exec} with real commands: concurrency, time limit, output cap, cancel, process groups. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExecTest {

    @Test
    void fiveHundredConcurrentExecsFromCoroutinesEachGetTheirOwnOutput() {
        int n = 500;
        String[] outputs = new String[n];
        int[] codes = new int[n];
        long t0 = System.nanoTime();
        Coroutine.run(() -> {
            for (int i = 0; i < n; i++) {
                int id = i;
                Coroutine.go(() -> {
                    try {
                        CoSystem.ExecResult r = CoSystem.exec("echo out-" + id + "; echo err-" + id + " >&2; exit "
                                + (id % 7), true);
                        outputs[id] = r.output();
                        codes[id] = r.code();
                    } catch (IOException e) {
                        outputs[id] = e.toString();
                    }
                });
            }
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        for (int i = 0; i < n; i++) {
            assertThat(outputs[i]).as("command %d", i).isEqualTo("out-" + i + "\nerr-" + i + "\n");
            assertThat(codes[i]).isEqualTo(i % 7);
        }
        System.out.println("500 concurrent CoSystem.exec from coroutines: " + ms + " ms");
    }

    @Test
    void aTimedOutExecLeavesNoProcessOfItsGroupBehind() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")),
                "needs util-linux's setsid (.ci/run installs util-linux)");
        long t0 = System.nanoTime();
        // the shell prints its pid (the group's id, as setsid made it the leader), then waits on two sleepers
        CoSystem.ExecResult r = CoSystem.exec("echo $$; sleep 300 & sleep 300 & wait", false, 0.5,
                CoSystem.EXEC_MAX_OUTPUT);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.timedOut()).isTrue();
        assertThat(r.truncated()).isFalse();
        assertThat(r.signal()).isEqualTo(9);
        assertThat(ms).isBetween(450L, 5000L);
        long pgid = Long.parseLong(r.output().strip());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (!groupMembers(pgid).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10); // SIGKILL is delivered at once, but the exit takes the kernel a moment
        }
        assertThat(groupMembers(pgid)).as("processes left in group %d", pgid).isEmpty();
    }

    @Test
    void outputPastTheCapKillsTheGroupAndIsCut() throws Exception {
        CoSystem.ExecResult r = CoSystem.exec("yes", false, 30, 100_000);
        assertThat(r.truncated()).isTrue();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.output()).hasSize(100_000).startsWith("y\ny\n");
        assertThat(r.signal()).isEqualTo(9);
        CoSystem.ExecResult exact = CoSystem.exec("printf 12345", false, 30, 5);
        assertThat(exact.truncated()).isFalse();
        assertThat(exact.output()).isEqualTo("12345");
        assertThat(exact.code()).isZero();
    }

    @Test
    void cancelingTheCoroutineKillsTheChild(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        SwooleException[] got = new SwooleException[1];
        Coroutine.run(() -> {
            long cid = Coroutine.go(() -> {
                try {
                    CoSystem.exec("echo $$ > " + pidFile + "; exec sleep 300");
                } catch (SwooleException e) {
                    got[0] = e;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            while (!Files.exists(pidFile) || readOrEmpty(pidFile).isEmpty()) {
                Coroutine.sleep(0.01);
            }
            assertThat(Coroutine.cancel(cid)).isTrue();
            Coroutine.join(new long[] {cid}, 5);
        });
        assertThat(got[0].error()).isEqualTo(ErrorCode.CO_CANCELED);
        long pid = Long.parseLong(readOrEmpty(pidFile));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse();
    }

    @Test
    void outsideACoroutineItBlocksTheCaller() throws Exception {
        CoSystem.ExecResult r = CoSystem.exec("kill -TERM $$", false, 10, 1000);
        assertThat(r.signal()).isEqualTo(15);
        assertThat(r.code()).isEqualTo(-1);
        assertThat(CoSystem.exec("echo hi").output()).isEqualTo("hi\n");
    }

    private static String readOrEmpty(Path f) {
        try {
            return Files.readString(f).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The live pids whose process group is {@code pgid}, from /proc/PID/stat (field 5). */
    private static List<Long> groupMembers(long pgid) throws IOException {
        List<Long> out = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // a zombie is dead already, only not yet reaped by whoever inherited it (init)
                    if (Long.parseLong(f[2]) == pgid && !f[0].equals("Z")) {
                        out.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        }
        return out;
    }
}
