package io.jswoole.process;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jswoole.coroutine.Coroutine;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs, real pipes and real signals: {@link Process}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProcessTest {
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void reap() throws InterruptedException {
        for (Process p : started) {
            if (p.handle() != null) {
                p.handle().destroyForcibly();
                p.handle().waitFor();
            }
        }
        while (Process.wait(true) != null) {
            // take the exits this test did not (every child is gone, so this ends)
        }
    }

    private Process start(Process p) throws IOException {
        started.add(p);
        p.start();
        return p;
    }

    // ---- entry points (run in the child JVM) ----

    /** Echoes each message upper-cased until the parent closes the pipe. */
    public static void upper(Process self) throws IOException {
        for (byte[] m; (m = self.read(Pipe.MAX_MESSAGE)) != null; ) {
            self.write(new String(m, StandardCharsets.UTF_8).toUpperCase());
        }
    }

    /** Prints through System.out, then echoes stdin lines back with a prefix. */
    public static void printer(Process self) throws IOException {
        System.out.println("hello from " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            System.out.println("echo:" + line);
        }
    }

    /** Becomes /bin/ls of the directory the parent sends. */
    public static void lister(Process self) throws IOException {
        String dir = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        self.exec("/bin/ls", List.of("-1", dir));
    }

    /** Renames itself, says so, then waits for the pipe to close. */
    public static void renamed(Process self) throws IOException {
        self.name("renamed-child");
        self.write("named");
        self.read();
    }

    /** Handles SIGUSR1 and SIGHUP, answering each delivery on the pipe; refuses SIGKILL. */
    public static void signals(Process self) throws IOException, InterruptedException {
        Process.signal(10, sig -> send(self, "got " + sig));
        Process.signal(1, sig -> send(self, "got " + sig));
        try {
            Process.signal(9, sig -> { });
            self.write("KILL accepted");
        } catch (IllegalArgumentException e) {
            self.write("ready");
        }
        self.read();
    }

    /** Every signal a JVM lets a program handle (Sig's list): the child answers each delivery with its number. */
    static final int[] HANDLED = {1, 2, 5, 6, 10, 12, 13, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};

    /** Handles every signal of {@link #HANDLED}, answering each delivery on the pipe. */
    public static void allSignals(Process self) throws IOException {
        for (int sig : HANDLED) {
            Process.signal(sig, s -> send(self, Integer.toString(s)));
        }
        self.write("ready");
        self.read();
    }

    /** Binds itself to CPU 0 with nice 5, then reports and waits. */
    public static void pinned(Process self) throws IOException {
        boolean aff = Process.setAffinity(new int[] {0});
        boolean prio = Process.setPriority(Process.PRIO_PROCESS, 5);
        self.write(aff + " " + prio + " " + Process.getPriority(Process.PRIO_PROCESS) + " "
                + java.util.Arrays.toString(Process.getAffinity()));
        self.read();
    }

    /** Waits on the pipe forever (until killed). */
    public static void sleeper(Process self) throws IOException {
        self.write("up");
        self.read();
    }

    /** Exits with the code the parent sends. */
    public static void exiter(Process self) throws IOException {
        self.exit(Integer.parseInt(new String(self.read(), StandardCharsets.UTF_8)));
    }

    private static void send(Process self, String s) {
        try {
            self.write(s);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    // ---- tests ----

    @Test
    void datagramPipeRoundTripsAndExitCode() throws Exception {
        Process p = start(new Process(ProcessTest.class, "upper"));
        for (int i = 0; i < 200; i++) {
            p.write("message " + i);
            assertEquals("MESSAGE " + i, str(p.read()), "each write is one read on a datagram pipe");
        }
        byte[] big = new byte[Pipe.MAX_MESSAGE];
        java.util.Arrays.fill(big, (byte) 'a');
        p.write(big);
        byte[] back = p.read(Pipe.MAX_MESSAGE);
        assertEquals(Pipe.MAX_MESSAGE, back.length);
        assertEquals('A', back[Pipe.MAX_MESSAGE - 1]);
        assertThrows(IllegalArgumentException.class, () -> p.write(new byte[Pipe.MAX_MESSAGE + 1]));
        p.close(0);
        Process.Exit e = Process.wait(true);
        assertEquals(new Process.Exit(p.pid(), 0, 0), e);
    }

    @Test
    void streamPipeAndParentage() throws Exception {
        Process p = start(new Process(ProcessTest.class, "upper", false, Process.PIPE_TYPE_STREAM));
        String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
        // the field after the parenthesised comm: state, then ppid
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        assertEquals(ProcessHandle.current().pid(), Long.parseLong(after[1]), "the child's parent is this JVM");
        String cmdline = Files.readString(Path.of("/proc/" + p.pid() + "/cmdline"));
        assertTrue(cmdline.startsWith("jswoole: process ProcessTest.upper\0"), cmdline);
        p.write("abc");
        StringBuilder got = new StringBuilder();
        while (got.length() < 3) {
            got.append(str(p.read(2)));
        }
        assertEquals("ABC", got.toString());
    }

    @Test
    void redirectedStdoutAndStdinReachTheParent() throws Exception {
        Process p = start(new Process(ProcessTest.class, "printer", true, Process.PIPE_TYPE_DGRAM));
        p.write("one\ntwo\n");
        p.close(Process.PIPE_WRITE);
        String all = readAll(p);
        assertEquals("hello from " + p.pid() + "\necho:one\necho:two\n", all);
        assertEquals(new Process.Exit(p.pid(), 0, 0), Process.wait(true));
    }

    @Test
    void execOfLsPrintsTheListingThroughThePipe(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("alpha.txt"), "a");
        Files.writeString(dir.resolve("beta.txt"), "b");
        Process p = start(new Process(ProcessTest.class, "lister", true, Process.PIPE_TYPE_STREAM));
        p.write(dir + "\n");
        assertEquals("alpha.txt\nbeta.txt\n", readAll(p));
        assertEquals(new Process.Exit(p.pid(), 0, 0), Process.wait(true));
    }

    @Test
    void execOfAFailingProgramReportsItsStatus() throws Exception {
        Process p = start(new Process(ProcessTest.class, "lister", true, Process.PIPE_TYPE_STREAM));
        p.write("/no/such/dir\n");
        assertEquals("", readAll(p));
        assertEquals(new Process.Exit(p.pid(), 2, 0), Process.wait(true), "ls exits 2 on a missing directory");
    }

    @Test
    void killMinus9IsReapedWithItsSignal() throws Exception {
        Process p = start(new Process(ProcessTest.class, "sleeper"));
        assertEquals("up", str(p.read()));
        assertNull(Process.wait(false), "nothing has exited yet");
        assertTrue(Process.kill(p.pid(), 0), "sig 0: the child exists");
        java.lang.Process kill = new ProcessBuilder("/bin/sh", "-c", "kill -9 " + p.pid()).start();
        assertEquals(0, kill.waitFor());
        assertEquals(new Process.Exit(p.pid(), 0, 9), Process.wait(true));
        assertNull(p.read(), "the pipe is at its end");
        assertFalse(Process.kill(p.pid(), 0), "gone");
        assertEquals(Libc.ESRCH, Process.errno());
        assertNull(Process.wait(true), "no child left: blocking wait returns at once");
    }

    @Test
    void killWithAnySignalAndExitCodes() throws Exception {
        Process term = start(new Process(ProcessTest.class, "sleeper"));
        Process code = start(new Process(ProcessTest.class, "exiter"));
        assertEquals("up", str(term.read()));
        assertTrue(Process.kill(term.pid(), 15));
        code.write("7");
        List<Process.Exit> exits = List.of(Process.wait(true), Process.wait(true));
        assertTrue(exits.contains(new Process.Exit(term.pid(), 0, 15)), exits::toString);
        assertTrue(exits.contains(new Process.Exit(code.pid(), 7, 0)), exits::toString);
    }

    @Test
    void nameBeforeStartIsTheTitleAndInTheChildItsComm() throws Exception {
        Process p = new Process(ProcessTest.class, "renamed");
        p.name("my-title worker");
        start(p);
        assertEquals("named", str(p.read()));
        assertTrue(Files.readString(Path.of("/proc/" + p.pid() + "/cmdline")).startsWith("my-title worker\0"));
        assertEquals("renamed-child", Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip());
        assertFalse(p.name("from outside"), "only a process may rename its own comm");
    }

    @Test
    void signalHandlersInTheChildAnswerRealSignals() throws Exception {
        Process p = start(new Process(ProcessTest.class, "signals"));
        assertEquals("ready", str(p.read()), "SIGKILL is refused");
        for (int i = 0; i < 50; i++) {
            int sig = i % 2 == 0 ? 10 : 1;
            assertTrue(Process.kill(p.pid(), sig));
            assertEquals("got " + sig, str(p.read()));
        }
    }

    @Test
    void aThousandDeliveriesOfEachHandledSignalGiveAThousandCallbacks() throws Exception {
        Process p = start(new Process(ProcessTest.class, "allSignals"));
        assertEquals("ready", str(p.read()));
        long t0 = System.nanoTime();
        for (int sig : HANDLED) {
            for (int i = 0; i < 1000; i++) {
                assertTrue(Process.kill(p.pid(), sig));
                assertEquals(Integer.toString(sig), str(p.read()), "SIG" + Sig.name(sig) + " delivery " + i);
            }
        }
        System.out.println(HANDLED.length * 1000 + " signal deliveries and answers: "
                + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertTrue(p.handle().isAlive(), "no signal took the default action");
    }

    @Test
    void everyDeliveryOfAHandledSignalRunsTheHandler() throws Exception {
        AtomicInteger count = new AtomicInteger();
        java.util.concurrent.Semaphore seen = new java.util.concurrent.Semaphore(0);
        // SIGWINCH: a signal no server of this (shared) test JVM takes, and one whose default is to be ignored
        Process.signal(28, sig -> {
            count.incrementAndGet();
            seen.release();
        });
        try {
            long self = ProcessHandle.current().pid();
            for (int i = 0; i < 1000; i++) {
                assertTrue(Process.kill(self, 28));
                assertTrue(seen.tryAcquire(10, TimeUnit.SECONDS), "delivery " + i);
            }
            assertEquals(1000, count.get());
        } finally {
            Process.signal(28, null);
        }
    }

    @Test
    void signalsTheJvmCannotTakeAreRefusedByName() {
        for (int sig : new int[] {3, 4, 7, 8, 9, 11, 19}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Process.signal(sig, s -> { }));
            assertTrue(e.getMessage().startsWith("SIG" + Sig.name(sig) + " cannot be handled"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Process.signal(64, s -> { }));
    }

    @Test
    void alarmDeliversSigalrmPeriodically() throws Exception {
        java.util.concurrent.Semaphore ticks = new java.util.concurrent.Semaphore(0);
        Process.signal(14, sig -> ticks.release());
        try {
            assertTrue(Process.alarm(20_000));
            assertTrue(ticks.tryAcquire(3, 5, TimeUnit.SECONDS), "three alarms of 20 ms");
            assertTrue(Process.alarm(0));
            ticks.drainPermits();
            Thread.sleep(100);
            assertEquals(0, ticks.availablePermits(), "stopped");
        } finally {
            Process.signal(14, null);
        }
    }

    @Test
    void affinityAndNiceApplyToEveryThreadOfTheChild() throws Exception {
        Process p = start(new Process(ProcessTest.class, "pinned"));
        assertEquals("true true 5 [0]", str(p.read()));
        try (var tasks = Files.list(Path.of("/proc/" + p.pid() + "/task"))) {
            for (Path t : tasks.toList()) {
                String status = Files.readString(t.resolve("status"));
                assertTrue(status.contains("Cpus_allowed_list:\t0\n"), t + ": " + status);
                String stat = Files.readString(t.resolve("stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                assertEquals("5", f[16], t + " nice"); // field 19 of stat; f[0] is field 3
            }
        }
    }

    @Test
    void coroutineReadParksOnlyTheCoroutine() throws Exception {
        Process p = start(new Process(ProcessTest.class, "upper"));
        AtomicInteger ticks = new AtomicInteger();
        String[] got = new String[1];
        Coroutine.run(() -> {
            Coroutine.go(() -> {
                try {
                    got[0] = str(p.read());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Coroutine.go(() -> {
                for (int i = 0; i < 10; i++) {
                    Coroutine.sleep(0.01);
                    ticks.incrementAndGet();
                }
                try {
                    p.write("late");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        });
        assertEquals(10, ticks.get(), "the sleeper ran while the reader waited");
        assertEquals("LATE", got[0]);
    }

    @Test
    void entryPointsAreCheckedInTheParentAndRegisteredByName() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new Process(ProcessTest.class, "nope"));
        assertThrows(IllegalArgumentException.class, () -> new Process(ProcessTest.class, "str"));
        assertThrows(IllegalArgumentException.class, () -> new Process("unregistered", false, 2));
        assertThrows(IllegalArgumentException.class, () -> new Process(ProcessTest.class, "upper", true, 0));
        Process.register("upper", ProcessTest.class, "upper");
        Process p = start(new Process("upper", false, Process.PIPE_TYPE_DGRAM));
        p.write("by name");
        assertEquals("BY NAME", str(p.read()));
        assertThrows(IllegalStateException.class, p::start);
        assertThrows(IllegalStateException.class, () -> p.exec("/bin/true", List.of()));
    }

    private static String readAll(Process p) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] b; (b = p.read()) != null; ) {
            out.write(b);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void getAffinityIsWhatTheKernelShows() throws IOException {
        String status = Files.readString(Path.of("/proc/self/status"));
        String list = status.lines().filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .split("\t")[1];
        List<Integer> cpus = new ArrayList<>();
        for (String part : list.split(",")) {
            String[] r = part.split("-");
            for (int c = Integer.parseInt(r[0]); c <= Integer.parseInt(r[r.length - 1]); c++) {
                cpus.add(c);
            }
        }
        int[] got = Process.getAffinity();
        assertNotNull(got);
        assertArrayEquals(cpus.stream().mapToInt(Integer::intValue).toArray(), got);
    }
}
