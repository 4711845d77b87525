package io.jswoole.memory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts {@link ShmChild} in a new JVM on the test class path, attached to this JVM's shared segments. */
final class ChildProcess implements AutoCloseable {
    final Process process;
    private final BufferedReader out;

    private ChildProcess(Process process) {
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    static ChildProcess start(String... args) throws IOException {
        Path dir = SharedMemory.directory();
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC", "-Xmx64m",
                "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                ShmChild.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put(SharedMemory.ATTACH_ENV, dir.toString());
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        return new ChildProcess(pb.start());
    }

    /** Waits for the child's READY line. */
    void awaitReady() throws IOException {
        String line = out.readLine();
        if (!"READY".equals(line)) {
            throw new IllegalStateException("child did not get ready: " + line + ", exit "
                    + (process.isAlive() ? "alive" : process.exitValue()));
        }
    }

    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("child did not finish within " + seconds + " s");
        }
        return process.exitValue();
    }

    /** kill -9, and wait until the OS has reaped it. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
