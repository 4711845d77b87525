package io.jswoole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A jswoole program in a JVM of its own, started as a user starts it, serving once it printed "listening on"; its
 * output is kept for assertion messages. {@link #close} sends SIGTERM (as systemd or {@code kill} do) and removes
 * what is left of it.
 */
record Launched(Process process, int port, List<String> output, Thread reader) implements AutoCloseable {
    /** A port free at the time of the call. */
    static int freePort() throws java.io.IOException {
        try (var s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The JDK's java with the launcher's flags ({@code ./jswoole}'s). */
    static List<String> java() {
        return new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow"));
    }

    /** The tests' class path, which holds the cli and every example. */
    static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** Starts {@code pb} (its output merged) and waits up to 60 s for it to listen on {@code port}. */
    static Launched start(ProcessBuilder pb, int port) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        List<String> out = new CopyOnWriteArrayList<>();
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (var r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    out.add(line);
                    if (line.contains("listening on")) {
                        ready.complete(true);
                    }
                }
            } catch (java.io.IOException ignored) {
                // exited
            }
            ready.complete(false);
        });
        Launched launched = new Launched(p, port, out, reader);
        if (!ready.get(60, TimeUnit.SECONDS)) {
            launched.close();
            assertThat(false).as("did not start:\n" + String.join("\n", out)).isTrue();
        }
        return launched;
    }

    /** SIGTERM, then the exit code within {@code seconds} (-1: it did not exit, and was killed). */
    int stop(long seconds) throws InterruptedException {
        List<ProcessHandle> children = process.descendants().toList();
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the output before it is read
        int code = process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
        reader.join(5_000); // its last lines
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        return code;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop(15);
        }
    }

    /** The output so far, for assertion messages. */
    String log() {
        return String.join("\n", output);
    }
}
