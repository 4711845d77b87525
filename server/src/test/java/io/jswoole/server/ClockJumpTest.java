package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timers and heartbeats follow the monotonic clock: the server runs under libfaketime (Debian's faketime package),
 * its wall clock is moved an hour forward and then back while it runs, and nothing it times changes.
 */
class ClockJumpTest {
    static final Path LIB = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1");

    @TempDir
    Path tmp;

    @Test
    void aWallClockJumpMovesNoTimerAndNoHeartbeat() throws Exception {
        Assumptions.assumeTrue(Files.exists(LIB) || System.getenv("CI") != null, "libfaketime is not installed");
        Path offset = tmp.resolve("faketime");
        Files.writeString(offset, "+0\n");
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", cp,
                ClockApp.class.getName()).redirectErrorStream(true);
        pb.environment().put("LD_PRELOAD", LIB.toString());
        pb.environment().put("FAKETIME_TIMESTAMP_FILE", offset.toString());
        pb.environment().put("FAKETIME_NO_CACHE", "1");
        pb.environment().put("FAKETIME_DONT_FAKE_MONOTONIC", "1");
        Process p = pb.start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
            String line;
            int port = -1;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            assertThat(port).as("the server started").isPositive();
            // warm-up, on a connection of its own: the first answers of a JVM under libfaketime are slow, on a
            // loaded machine slower than the 2 s heartbeat, which may then close the connection it came on
            for (int i = 0; i < 3; i++) {
                try (Socket warm = Running.connect(port)) {
                    warm.getOutputStream().write("q\n".getBytes());
                    new BufferedReader(new InputStreamReader(warm.getInputStream())).readLine();
                } catch (java.io.IOException e) {
                    // closed by the heartbeat while the answer was slow: the next round warms up the same code
                }
            }
            try (Socket active = Running.connect(port)) {
                BufferedReader in = new BufferedReader(new InputStreamReader(active.getInputStream()));
                Socket silent = Running.connect(port); // idle from now on
                List<long[]> samples = new ArrayList<>();
                long t0 = System.nanoTime();
                // three phases of at least 1 s and 3 answers each, whatever the machine's load: before the jump
                // forward, between it and the jump back, after that (a loaded machine answers the first requests of
                // a JVM under libfaketime slowly: a fixed window could end before the later phases were sampled)
                long[] before = null, between = null;
                long phaseStart = t0;
                int phase = 0, inPhase = 0;
                while (phase < 3) {
                    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("time to sample")
                            .isLessThan(90);
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    active.getOutputStream().write("q\n".getBytes());
                    String[] reply = in.readLine().split(" ");
                    long answered = (System.nanoTime() - t0) / 1_000_000;
                    long[] sample = {answered, Long.parseLong(reply[0]), Long.parseLong(reply[1]),
                            Long.parseLong(reply[2])};
                    samples.add(sample);
                    inPhase++;
                    if (phase == 1 && ms > 1500 && ms < 1900) {
                        // idle 1.5 s < 2 s: a heartbeat on the wall clock would have closed it at the jump
                        silent.setSoTimeout(1);
                        assertThat(Running.closedByPeer(silent)).as("silent connection still open after the jump")
                                .isFalse();
                    }
                    if (inPhase >= 3 && System.nanoTime() - phaseStart > TimeUnit.SECONDS.toNanos(1)) {
                        if (phase == 0) {
                            before = sample;
                            Files.writeString(offset, "+3600\n");
                        } else if (phase == 1) {
                            between = sample;
                            Files.writeString(offset, "-3600\n");
                        }
                        phase++;
                        inPhase = 0;
                        phaseStart = System.nanoTime();
                    }
                    Thread.sleep(250);
                }
                long wallMax = samples.stream().mapToLong(x -> x[2]).max().orElseThrow();
                long wallMin = samples.stream().mapToLong(x -> x[2]).min().orElseThrow();
                assertThat(wallMax - wallMin).as("faketime moved the server's wall clock").isGreaterThan(6000);
                // Between the jumps and after the last one, the 100 ms timer keeps ticking (a timer on the wall
                // clock stalls for the hour the clock went back) and never more often than the server's own
                // monotonic clock allows (a timer on the wall clock fires a burst for the hour it went forward).
                // A busy machine only delays ticks, so the bounds hold on it too.
                long[] last = samples.get(samples.size() - 1);
                for (long[][] span : new long[][][] {{before, between}, {between, last}}) {
                    long ticks = span[1][1] - span[0][1];
                    long monotonicMs = span[1][3] - span[0][3];
                    assertThat(ticks).as("ticks in %d ms of the server's monotonic clock", monotonicMs)
                            .isBetween(1L, monotonicMs / 100 + 2);
                }
                silent.setSoTimeout(4000);
                assertThat(Running.closedByPeer(silent)).as("the heartbeat still closes the silent one").isTrue();
                silent.close();
            }
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
