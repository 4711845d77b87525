package io.jswoole.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A {@link Pool} of real worker JVMs: messages, respawn after kill -9, SIGTERM that waits, SIGKILL after it. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolTest {
    /** Where the workers write what happens to them (their parent is this JVM, so they find it). */
    static Path logDir(long parentPid) {
        return Path.of(System.getProperty("java.io.tmpdir"), "jswoole-pooltest-" + parentPid);
    }

    /**
     * The test's directory: that of the closest ancestor that made one (the test JVM is the worker's parent, or its
     * grandparent when the pool runs in a child JVM of its own).
     */
    static Path findLogDir() {
        for (var p = ProcessHandle.current().parent(); p.isPresent(); p = p.get().parent()) {
            if (Files.isDirectory(logDir(p.get().pid()))) {
                return logDir(p.get().pid());
            }
        }
        throw new IllegalStateException("no jswoole-pooltest directory of any ancestor");
    }

    /**
     * A pool's own JVM (so that SIGTERM and SIGUSR1 can go to it, not to the test JVM whose signals a server test
     * may hold): reads "WORKERS MAX_WAIT", starts the pool, answers "pids" and "send ID TEXT" on its pipe while the
     * pool runs, and writes "stopped CLEAN SHUTDOWN_EVENT" once start() has returned.
     */
    public static void poolMain(Process self) throws Exception {
        String[] conf = new String(self.read(), StandardCharsets.UTF_8).split(" ");
        AtomicBoolean shutdownEvent = new AtomicBoolean();
        Pool pool = new Pool(Integer.parseInt(conf[0]), Pool.IPC_UNIXSOCK, Jobs.class)
                .set(Map.of("max_wait_time", Double.parseDouble(conf[1])));
        pool.onStart(p -> reply(self, "up"));
        pool.onShutdown(p -> shutdownEvent.set(true));
        Thread.ofPlatform().daemon().start(() -> {
            try {
                for (byte[] m; (m = self.read()) != null; ) {
                    String[] cmd = new String(m, StandardCharsets.UTF_8).split(" ", 3);
                    if (cmd[0].equals("pids")) {
                        StringBuilder b = new StringBuilder();
                        for (int i = 0; i < pool.workerNum(); i++) {
                            b.append(i == 0 ? "" : " ").append(pool.getProcess(i).pid());
                        }
                        reply(self, b.toString());
                    } else {
                        pool.sendMessage(cmd[2].getBytes(StandardCharsets.UTF_8), Integer.parseInt(cmd[1]));
                    }
                }
            } catch (IOException e) {
                // the test has gone
            }
        });
        boolean clean = pool.start();
        self.write("stopped " + clean + " " + shutdownEvent.get());
    }

    private static void reply(Process self, String s) {
        try {
            self.write(s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The worker: logs its events to {@code w<ID>.log}. */
    public static final class Jobs implements Pool.Worker {
        private Path log;
        private Path events;
        private int id;

        @Override
        public void onWorkerStart(Pool pool, int workerId) throws IOException {
            Path dir = findLogDir();
            log = dir.resolve("w" + workerId + ".log");
            events = dir.resolve("events.log");
            id = workerId;
            append("start " + ProcessHandle.current().pid());
        }

        @Override
        public void onMessage(Pool pool, byte[] data) throws Exception {
            String m = new String(data, StandardCharsets.UTF_8);
            if (m.startsWith("slow:")) {
                append("begin " + m);
                Thread.sleep(Long.parseLong(m.substring(5)));
                append("done " + m);
            } else if (m.startsWith("fwd:")) {
                String[] p = m.split(":", 3);
                pool.sendMessage(("got " + p[2]).getBytes(StandardCharsets.UTF_8), Integer.parseInt(p[1]));
            } else {
                append("msg " + m);
            }
        }

        @Override
        public void onWorkerStop(Pool pool, int workerId) throws IOException {
            append("stop " + ProcessHandle.current().pid());
        }

        private void append(String line) throws IOException {
            Files.writeString(log, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            // one file for all workers, in the order things happened (O_APPEND: each line lands whole)
            Files.writeString(events, id + " " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    /** IPC_NONE: loops while the pool runs. */
    public static final class Looper implements Pool.Worker {
        @Override
        public void onWorkerStart(Pool pool, int workerId) throws Exception {
            Path log = findLogDir().resolve("w" + workerId + ".log");
            Files.writeString(log, "start " + pool.getProcess().pid() + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            while (pool.running()) {
                Thread.sleep(10);
            }
        }

        @Override
        public void onWorkerStop(Pool pool, int workerId) throws IOException {
            Files.writeString(findLogDir().resolve("w" + workerId + ".log"), "stop\n", StandardOpenOption.APPEND);
        }
    }

    /** IPC_NONE: returns at once, so the pool restarts it again and again. */
    public static final class Quitter implements Pool.Worker {
        @Override
        public void onWorkerStart(Pool pool, int workerId) throws IOException {
            Files.writeString(findLogDir().resolve("w" + workerId + ".log"), System.nanoTime() / 1_000_000 + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private final Path dir = logDir(ProcessHandle.current().pid());
    private Thread runner;
    private Pool running;
    private Process poolJvm;

    @BeforeEach
    void clean() throws IOException {
        deleteDir();
        Files.createDirectories(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (running != null) {
            running.shutdown();
            runner.join(30_000);
        }
        if (poolJvm != null && poolJvm.handle().isAlive()) {
            poolJvm.handle().destroyForcibly(); // its workers see their pipes end and stop
        }
        while (Process.wait(true) != null) {
            // take the pool JVM's exit: Process.wait reports it (ProcessTest expects only its own)
        }
        deleteDir();
    }

    private void deleteDir() throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private Pool startPool(Pool pool, AtomicBoolean cleanStop) throws InterruptedException {
        CountDownLatch up = new CountDownLatch(1);
        pool.onStart(p -> up.countDown());
        running = pool;
        runner = Thread.ofPlatform().start(() -> {
            try {
                cleanStop.set(pool.start());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertTrue(up.await(60, TimeUnit.SECONDS), "every worker started");
        return pool;
    }

    private String log(int id) {
        try {
            return Files.readString(dir.resolve("w" + id + ".log"));
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!cond.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    @Test
    void messagesParentageAndRespawnAfterKillMinus9() throws Exception {
        AtomicBoolean clean = new AtomicBoolean();
        Pool pool = startPool(new Pool(3, Pool.IPC_UNIXSOCK, Jobs.class), clean);
        long self = ProcessHandle.current().pid();
        for (int i = 0; i < 3; i++) {
            long pid = pool.getProcess(i).pid();
            int id = i;
            await("worker " + i + " started", () -> log(id).contains("start " + pid + "\n"));
            assertTrue(Files.readString(Path.of("/proc/" + pid + "/cmdline")).startsWith("jswoole: pool worker #"
                    + i + "\0"));
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            assertEquals(self, Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]));
            assertTrue(pool.sendMessage(("hello-" + i).getBytes(StandardCharsets.UTF_8), i));
            await("worker " + i + " got its message", () -> log(id).contains("msg hello-" + id + "\n"));
        }
        // worker 0 sends to worker 2 through the pool's JVM
        pool.sendMessage("fwd:2:from zero".getBytes(StandardCharsets.UTF_8), 0);
        await("the forwarded message", () -> log(2).contains("msg got from zero\n"));

        long old = pool.getProcess(1).pid();
        assertEquals(0, new ProcessBuilder("/bin/sh", "-c", "kill -9 " + old).start().waitFor());
        await("worker 1 replaced", () -> pool.getProcess(1).pid() != old);
        long fresh = pool.getProcess(1).pid();
        await("the new worker 1 started", () -> log(1).contains("start " + fresh + "\n"));
        assertFalse(log(1).contains("stop " + old), "a killed worker runs no onWorkerStop");
        assertTrue(pool.sendMessage("after".getBytes(StandardCharsets.UTF_8), 1));
        await("the new worker 1 serves", () -> log(1).contains("msg after\n"));

        List<Long> pids = List.of(pool.getProcess(0).pid(), fresh, pool.getProcess(2).pid());
        pool.shutdown();
        runner.join(30_000);
        running = null;
        assertTrue(clean.get());
        for (int i = 0; i < 3; i++) {
            assertTrue(log(i).endsWith("stop " + pids.get(i) + "\n"), log(i));
            assertFalse(ProcessHandle.of(pids.get(i)).map(ProcessHandle::isAlive).orElse(false));
        }
    }

    /** A pool in a JVM of its own (see {@link #poolMain}). */
    private Process poolJvm(int workers, double maxWait) throws Exception {
        Process p = new Process(PoolTest.class, "poolMain");
        poolJvm = p;
        p.start();
        p.write(workers + " " + maxWait);
        assertEquals("up", str(p.read()));
        return p;
    }

    private static long[] pids(Process poolJvm) throws IOException {
        poolJvm.write("pids");
        return java.util.Arrays.stream(str(poolJvm.read()).split(" ")).mapToLong(Long::parseLong).toArray();
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void sigtermWaitsForTheJobBeingHandled() throws Exception {
        Process poolJvm = poolJvm(1, 20);
        long pid = pids(poolJvm)[0];
        poolJvm.write("send 0 slow:1500");
        await("the job began", () -> log(0).contains("begin slow:1500\n"));
        long t0 = System.nanoTime();
        assertTrue(Process.kill(poolJvm.pid(), 15), "SIGTERM to the pool's JVM");
        assertEquals("stopped true true", str(poolJvm.read()), "start() returned, after onShutdown");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("start " + pid + "\nbegin slow:1500\ndone slow:1500\nstop " + pid + "\n", log(0));
        assertTrue(ms >= 1000 && ms < 20_000, ms + " ms");
        assertTrue(poolJvm.handle().waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, poolJvm.handle().exitValue());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void aWorkerStillBusyAfterMaxWaitTimeIsKilled() throws Exception {
        AtomicBoolean clean = new AtomicBoolean();
        Pool pool = startPool(new Pool(1, Pool.IPC_UNIXSOCK, Jobs.class).set(Map.of("max_wait_time", 0.5)), clean);
        long pid = pool.getProcess(0).pid();
        java.lang.Process handle = pool.getProcess(0).handle();
        pool.sendMessage("slow:60000".getBytes(StandardCharsets.UTF_8), 0);
        await("the job began", () -> log(0).contains("begin slow:60000\n"));
        long t0 = System.nanoTime();
        pool.shutdown();
        runner.join(30_000);
        running = null;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 400 && ms < 10_000, ms + " ms");
        assertFalse(handle.isAlive());
        assertEquals(new Process.Exit(pid, 0, 9), Exits.of(pid, handle.exitValue()), "killed with SIGKILL");
        assertFalse(log(0).contains("done"));
    }

    @Test
    void sigusr1RestartsTheWorkersOneByOne() throws Exception {
        Process poolJvm = poolJvm(2, 10);
        long[] before = pids(poolJvm);
        long a = before[0];
        long b = before[1];
        await("both started", () -> log(0).contains("start " + a) && log(1).contains("start " + b));
        assertTrue(Process.kill(poolJvm.pid(), 10), "SIGUSR1 to the pool's JVM");
        long[] after = new long[2];
        await("both replaced", () -> {
            try {
                long[] now = pids(poolJvm);
                after[0] = now[0];
                after[1] = now[1];
                return now[0] != a && now[1] != b;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        await("the new ones started", () -> log(0).contains("start " + after[0])
                && log(1).contains("start " + after[1]));
        assertEquals("start " + a + "\nstop " + a + "\nstart " + after[0] + "\n", log(0),
                "stopped gracefully, then replaced");
        assertEquals("start " + b + "\nstop " + b + "\nstart " + after[1] + "\n", log(1));
        // one by one: worker 1 was stopped only after worker 0 had stopped (and its successor had connected, which
        // is before its onWorkerStart logs anything)
        String events = Files.readString(dir.resolve("events.log"));
        assertTrue(events.indexOf("0 stop " + a + "\n") < events.indexOf("1 stop " + b + "\n"), events);
        assertFalse(ProcessHandle.of(a).map(ProcessHandle::isAlive).orElse(false));
        assertTrue(Process.kill(poolJvm.pid(), 15));
        assertEquals("stopped true true", str(poolJvm.read()));
        assertTrue(poolJvm.handle().waitFor(30, TimeUnit.SECONDS));
    }

    @Test
    void sigintToAWorkerIsAGracefulStopAndItIsReplaced() throws Exception {
        AtomicBoolean clean = new AtomicBoolean();
        Pool pool = startPool(new Pool(1, Pool.IPC_UNIXSOCK, Jobs.class), clean);
        long pid = pool.getProcess(0).pid();
        await("started", () -> log(0).contains("start " + pid + "\n"));
        assertTrue(Process.kill(pid, 2), "SIGINT, as Ctrl-C sends the process group");
        await("replaced", () -> pool.getProcess(0).pid() != pid);
        long fresh = pool.getProcess(0).pid();
        await("the new one started", () -> log(0).contains("start " + fresh + "\n"));
        assertEquals("start " + pid + "\nstop " + pid + "\nstart " + fresh + "\n", log(0));
    }

    @Test
    void ipcNoneWorkerLoopsUntilThePoolStops() throws Exception {
        AtomicBoolean clean = new AtomicBoolean();
        Pool pool = startPool(new Pool(2, Pool.IPC_NONE, Looper.class), clean);
        long a = pool.getProcess(0).pid();
        await("both loop", () -> log(0).equals("start " + a + "\n") && log(1).startsWith("start "));
        pool.shutdown();
        runner.join(30_000);
        running = null;
        assertTrue(clean.get());
        assertEquals("start " + a + "\nstop\n", log(0), "pool.running() turned false: a graceful stop");
        assertTrue(log(1).endsWith("stop\n"));
    }

    @Test
    void aWorkerThatKeepsExitingIsRestartedAfterAGrowingPause() throws Exception {
        AtomicBoolean clean = new AtomicBoolean();
        Pool pool = startPool(new Pool(1, Pool.IPC_NONE, Quitter.class), clean);
        await("six starts", () -> log(0).lines().count() >= 6);
        pool.shutdown();
        runner.join(30_000);
        running = null;
        long[] t = log(0).lines().mapToLong(Long::parseLong).toArray();
        // pauses of 0.1, 0.2, 0.4, 0.8, 1.6 s come on top of each JVM's start and exit: the last two gaps are the
        // first two plus 2.1 s (two gaps each side, so that one slow JVM start under load cannot hide the growth)
        assertTrue(t[5] - t[3] > t[2] - t[0] + 1000, java.util.Arrays.toString(t));
    }

    /** A Manager entry point: logs its name and id, then loops while the pool runs. */
    public static void alpha(Pool pool, int workerId) throws Exception {
        entry("alpha", pool, workerId);
    }

    public static void beta(Pool pool, int workerId) throws Exception {
        entry("beta", pool, workerId);
    }

    private static void entry(String name, Pool pool, int workerId) throws Exception {
        Files.writeString(findLogDir().resolve("w" + workerId + ".log"), name + " " + workerId + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        while (pool.running()) {
            Thread.sleep(10);
        }
    }

    @Test
    void managerRunsEachAddedEntryPointInAWorkerOfItsOwn() throws Exception {
        Manager m = new Manager().add(PoolTest.class, "alpha").addBatch(2, PoolTest.class, "beta");
        CountDownLatch up = new CountDownLatch(1);
        m.onStart(p -> up.countDown());
        AtomicBoolean clean = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                clean.set(m.start());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertTrue(up.await(60, TimeUnit.SECONDS));
            await("three workers", () -> log(0).equals("alpha 0\n") && log(1).equals("beta 1\n")
                    && log(2).equals("beta 2\n"));
            assertTrue(Files.readString(Path.of("/proc/" + m.pool().getProcess(2).pid() + "/cmdline"))
                    .startsWith("jswoole: pool worker #2\0"));
        } finally {
            m.shutdown();
            t.join(30_000);
        }
        assertTrue(clean.get());
        assertThrows(IllegalArgumentException.class, () -> new Manager().add(PoolTest.class, "entry"));
        assertThrows(IllegalStateException.class, () -> new Manager().start());
    }

    @Test
    void settingsAndArgumentsAreChecked() {
        Pool pool = new Pool(2, Pool.IPC_NONE, Jobs.class);
        var e = assertThrows(IllegalArgumentException.class, () -> pool.set(Map.of("max_wiat_time", 1)));
        assertTrue(e.getMessage().contains("max_wiat_time"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pool.set(Map.of("max_wait_time", -1)));
        assertThrows(IllegalArgumentException.class, () -> pool.set(Map.of("max_package_size", 0)));
        assertThrows(IllegalArgumentException.class, () -> pool.set(Map.of("enable_coroutine", "yes")));
        assertThrows(IllegalArgumentException.class, () -> new Pool(0, Pool.IPC_NONE, Jobs.class));
        assertThrows(IllegalArgumentException.class, () -> new Pool(1, 2, Jobs.class));
        assertThrows(IllegalStateException.class, () -> pool.sendMessage(new byte[1], 0), "IPC_NONE");
        assertThrows(IllegalArgumentException.class, () -> pool.getProcess(2));
    }
}
