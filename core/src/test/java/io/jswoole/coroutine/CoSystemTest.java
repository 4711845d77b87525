package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CoSystem}'s waits and blocking calls with real processes, signals, pipes, files and a resolver that hangs:
 * each parks only its coroutine (a ticker of the same scheduler keeps running) and its timeout holds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoSystemTest {
    @TempDir
    Path tmp;

    /** Runs {@code body} in Coroutine.run beside a coroutine that ticks every ms; returns the ticks seen. */
    private static long withTicker(Runnable body) {
        AtomicLong ticks = new AtomicLong();
        boolean[] done = {false};
        Throwable[] failed = new Throwable[1];
        // on a thread of its own, so that a wait that never ends fails the test instead of hanging the suite
        Thread t = Thread.ofPlatform().name("co-system-test").start(() -> {
            try {
                Coroutine.run(() -> {
                    Coroutine.go(() -> {
                        while (!done[0]) {
                            Coroutine.sleep(0.001);
                            ticks.incrementAndGet();
                        }
                    });
                    try {
                        body.run();
                    } finally {
                        done[0] = true;
                    }
                });
            } catch (Throwable e) {
                failed[0] = e;
            }
        });
        try {
            t.join(60_000);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        if (t.isAlive()) {
            throw new AssertionError("the coroutines did not finish within 60 s: " + Arrays.toString(t.getStackTrace()));
        }
        if (failed[0] instanceof RuntimeException re) {
            throw re;
        }
        if (failed[0] instanceof Error err) {
            throw err;
        }
        return ticks.get();
    }

    /**
     * {@code kill -SIGNAL pid} from a coroutine, the coroutine way ({@code CoSystem.exec}): a blocking
     * {@code Process.waitFor} there once held the suite for good (1 run in about 12; the carrier is the scheduler's
     * only thread).
     */
    private static void kill(String signal, long pid) throws Exception {
        assertThat(CoSystem.exec("kill -" + signal + " " + pid).code()).isZero();
    }

    @Test
    void waitPidReportsCodesAndSignalsAndTimesOut() throws Exception {
        CoSystem.WaitResult[] r = new CoSystem.WaitResult[5];
        long[] timedOutMs = {0};
        long ticks = withTicker(() -> {
            try {
                Process three = CoSystem.track(new ProcessBuilder("/bin/sh", "-c", "sleep 0.2; exit 3").start());
                r[0] = CoSystem.waitPid(three.pid(), 10);
                Process sleeper = new ProcessBuilder("sleep", "30").start();
                long t0 = System.nanoTime();
                r[1] = CoSystem.waitPid(sleeper, 0.3);
                timedOutMs[0] = (System.nanoTime() - t0) / 1_000_000;
                kill("9", sleeper.pid());
                r[2] = CoSystem.waitPid(sleeper, 10);
                Process untracked = new ProcessBuilder("sleep", "0.2").start();
                r[3] = CoSystem.waitPid(untracked.pid(), 10);
                r[4] = CoSystem.waitPid(Integer.MAX_VALUE - 7, 1); // no such process
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(r[0].code()).isEqualTo(3);
        assertThat(r[0].signal()).isZero();
        assertThat(r[1]).isNull();
        assertThat(timedOutMs[0]).isBetween(250L, 3000L);
        assertThat(r[2].signal()).isEqualTo(9);
        assertThat(r[3]).isNotNull();
        assertThat(r[3].code()).as("a process the JDK keeps no status for").isEqualTo(-1);
        assertThat(r[4]).isNull();
        assertThat(ticks).as("the ticker ran while waitPid waited").isGreaterThan(50);
    }

    @Test
    void waitSignalReturnsTheSignalThatCameOrMinusOneAtTheTimeout() throws Exception {
        int sigwinch = 28;
        int sigurg = 23;
        long me = ProcessHandle.current().pid();
        int[] got = new int[3];
        long ticks = withTicker(() -> {
            got[0] = CoSystem.waitSignal(sigwinch, 0.2);
            Coroutine.go(() -> {
                Coroutine.sleep(0.1);
                try {
                    kill("URG", me);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            got[1] = CoSystem.waitSignal(new int[] {sigwinch, sigurg}, 10);
            Coroutine.go(() -> {
                Coroutine.sleep(0.1);
                try {
                    kill("WINCH", me);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            got[2] = CoSystem.waitSignal(sigwinch, -1);
        });
        assertThat(got).containsExactly(-1, sigurg, sigwinch);
        assertThat(ticks).isGreaterThan(50);
        assertThatThrownBy(() -> CoSystem.waitSignal(3, 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("QUIT");
        assertThatThrownBy(() -> CoSystem.waitSignal(99, 0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown signal 99");
    }

    @Test
    void waitEventReportsReadinessAndRestoresBlocking() throws Exception {
        Pipe pipe = Pipe.open();
        int[] got = new int[4];
        boolean[] blockingAfter = {false};
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            withTicker(() -> {
                try {
                    got[0] = CoSystem.waitEvent(pipe.source(), CoSystem.EVENT_READ, 0.2);
                    Coroutine.go(() -> {
                        Coroutine.sleep(0.1);
                        try {
                            pipe.sink().write(ByteBuffer.wrap(new byte[] {7}));
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    got[1] = CoSystem.waitEvent(pipe.source(), CoSystem.EVENT_READ, 10);
                    got[2] = CoSystem.waitEvent(pipe.sink(), CoSystem.EVENT_WRITE, 10);
                    Coroutine.go(() -> {
                        try (SocketChannel c = SocketChannel.open(listener.getLocalAddress())) {
                            Coroutine.sleep(0.2);
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    });
                    got[3] = CoSystem.waitEvent(listener, CoSystem.EVENT_READ, 10);
                    blockingAfter[0] = listener.isBlocking();
                    listener.accept().close(); // blocking again: accept waits (here, the connection is there)
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }
        assertThat(got).containsExactly(0, CoSystem.EVENT_READ, CoSystem.EVENT_WRITE, CoSystem.EVENT_READ);
        assertThat(blockingAfter[0]).isTrue();
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void readFileAndWriteFileWithTheirFlags() throws Exception {
        String f = tmp.resolve("a.txt").toString();
        List<Object> out = new ArrayList<>();
        withTicker(() -> {
            try {
                out.add(CoSystem.writeFile(f, "one\n".getBytes()));
                out.add(CoSystem.writeFile(f, "two\n".getBytes(), CoSystem.FILE_APPEND | CoSystem.LOCK_EX));
                out.add(new String(CoSystem.readFile(f, CoSystem.LOCK_SH)));
                out.add(CoSystem.writeFile(f, "three\n".getBytes(), CoSystem.LOCK_EX));
                out.add(new String(CoSystem.readFile(f)));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(out).containsExactly(4, 4, "one\ntwo\n", 6, "three\n");
        assertThatThrownBy(() -> CoSystem.writeFile(f, new byte[1], 64)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported flags 64");
        assertThatThrownBy(() -> CoSystem.readFile(tmp.resolve("none").toString()))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void statvfsMatchesStatDashF() throws Exception {
        Map<String, Long> v = CoSystem.statvfs(tmp.toString());
        Process p = new ProcessBuilder("stat", "-f", "-c", "%S %b %c", tmp.toString()).start();
        String[] stat = new String(p.getInputStream().readAllBytes()).trim().split(" ");
        assertThat(p.waitFor()).isZero();
        assertThat(v).containsOnlyKeys("bsize", "frsize", "blocks", "bfree", "bavail", "files", "ffree", "favail",
                "fsid", "flag", "namemax");
        assertThat(v.get("frsize")).isEqualTo(Long.parseLong(stat[0]));
        assertThat(v.get("blocks")).isEqualTo(Long.parseLong(stat[1]));
        assertThat(v.get("files")).isEqualTo(Long.parseLong(stat[2]));
        assertThat(v.get("bavail")).isLessThanOrEqualTo(v.get("bfree")).isLessThanOrEqualTo(v.get("blocks"));
        assertThat(v.get("namemax")).isEqualTo(255);
        assertThatThrownBy(() -> CoSystem.statvfs(tmp.resolve("none").toString())).isInstanceOf(IOException.class)
                .hasMessageContaining("errno 2");
    }

    @Test
    void aHundredCoroutinesReadingFilesDoNotPinTheCarrier() throws Exception {
        int n = 100;
        byte[][] content = new byte[n][];
        for (int i = 0; i < n; i++) {
            content[i] = new byte[1024 * 1024];
            Arrays.fill(content[i], (byte) i);
            Files.write(tmp.resolve("f" + i), content[i]);
        }
        byte[][] read = new byte[n][];
        long[] ms = {0};
        long ticks = withTicker(() -> {
            long t0 = System.nanoTime();
            WaitGroup wg = new WaitGroup();
            for (int i = 0; i < n; i++) {
                int id = i;
                wg.add(1);
                Coroutine.go(() -> {
                    try {
                        for (int round = 0; round < 5; round++) {
                            read[id] = CoSystem.readFile(tmp.resolve("f" + id).toString());
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    } finally {
                        wg.done();
                    }
                });
            }
            wg.await(-1);
            ms[0] = (System.nanoTime() - t0) / 1_000_000;
        });
        for (int i = 0; i < n; i++) {
            assertThat(read[i]).as("file %d", i).isEqualTo(content[i]);
        }
        System.out.println("100 coroutines x 5 readFile of 1 MiB on " + CoSystem.aioThreads() + " AIO threads: "
                + ms[0] + " ms; the ticker ticked " + ticks + " times meanwhile");
        assertThat(ticks).as("another coroutine of the scheduler kept running").isGreaterThan(ms[0] / 20);
    }

    @Test
    void nameLookupsReturnAtTheirTimeoutWhileTheResolverHangs() throws Exception {
        int n = 12;
        Object[] got = new Object[n];
        long[] ms = {0, 0};
        byte[][] file = new byte[1][];
        Path f = Files.writeString(tmp.resolve("x"), "file I/O is not held up");
        long ticks = withTicker(() -> {
            long t0 = System.nanoTime();
            WaitGroup wg = new WaitGroup();
            for (int i = 0; i < n; i++) {
                int id = i;
                wg.add(1);
                Coroutine.go(() -> {
                    got[id] = id % 2 == 0 ? CoSystem.gethostbyname("n" + id + ".hang.test", CoSystem.AF_INET, 0.3)
                            : CoSystem.getaddrinfo("n" + id + ".hang.test", CoSystem.AF_INET, 0.3);
                    wg.done();
                });
            }
            Coroutine.sleep(0.05); // every lookup is in the resolver now
            long t1 = System.nanoTime();
            try {
                file[0] = CoSystem.readFile(f.toString());
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
            ms[1] = (System.nanoTime() - t1) / 1_000_000;
            wg.await(-1);
            ms[0] = (System.nanoTime() - t0) / 1_000_000;
        });
        for (int i = 0; i < n; i++) {
            assertThat(got[i]).isEqualTo(i % 2 == 0 ? null : List.of());
        }
        assertThat(ms[0]).as("every lookup returned at its timeout").isBetween(250L, 3000L);
        assertThat(ms[1]).as("a file read meanwhile").isLessThan(250L);
        assertThat(new String(file[0])).isEqualTo("file I/O is not held up");
        assertThat(ticks).isGreaterThan(20);
        List<Object> ok = new ArrayList<>();
        Coroutine.run(() -> {
            ok.add(CoSystem.gethostbyname("both.test", CoSystem.AF_INET, 5));
            ok.add(CoSystem.gethostbyname("both.test", CoSystem.AF_INET6, 5));
            ok.add(CoSystem.getaddrinfo("both.test", CoSystem.AF_INET6, 5));
            ok.add(CoSystem.gethostbyname("localhost", CoSystem.AF_INET, 5));
        });
        assertThat(ok).containsExactly("10.1.2.3", "2001:db8:0:0:0:0:0:1", List.of("2001:db8:0:0:0:0:0:1"),
                "127.0.0.1");
    }
}
