package io.jswoole.cluster;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@code redis-server} (Debian's) on a free port for the tests of one class, without persistence; stopped
 * after them. No redis-server on the PATH fails the tests with the package to install, never skips them.
 * {@link #stop} and {@link #start} let a test take Redis away and bring it back on the same port.
 */
public final class RedisServer implements BeforeAllCallback, AfterAllCallback {
    private final boolean durable;
    private final List<String> binds;
    private int port;
    private Process process;
    private Path dir;

    public RedisServer() {
        this(false);
    }

    /** {@code durable}: an append-only file synced at every write, so a killed redis-server comes back whole. */
    public RedisServer(boolean durable) {
        this(durable, List.of());
    }

    /** Also listening on {@code addresses} (a network namespace's peer reaches it there, {@link Netns}). */
    public RedisServer(boolean durable, List<String> addresses) {
        this.durable = durable;
        this.binds = addresses;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        port = freePort();
        dir = Files.createTempDirectory("jswoole-cluster-redis");
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    public int port() {
        return port;
    }

    /** The redis-server's pid (a benchmark pins it to a core). */
    public long pid() {
        return process.pid();
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts redis-server on {@link #port()} and waits until it answers PING. */
    public synchronized void start() throws IOException, InterruptedException {
        String bin = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").stream()
                .filter(p -> Files.isExecutable(Path.of(p))).findFirst().orElseThrow(() -> new AssertionError(
                        "redis-server is not installed: apt-get install redis-server (.ci/run does)"));
        List<String> cmd = new java.util.ArrayList<>(List.of(bin, "--port", Integer.toString(port), "--bind",
                "127.0.0.1"));
        cmd.addAll(binds);
        cmd.addAll(List.of("--protected-mode", "no", "--save", "", "--appendonly", durable ? "yes" : "no",
                "--appendfsync", "always", "--dir", dir.toString(), "--daemonize", "no"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (ping()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("redis-server did not answer on port " + port + ": "
                + Files.readString(dir.resolve("redis.log")));
    }

    /** Kills redis-server (SIGKILL: what a crash looks like to the nodes). */
    public synchronized void stop() {
        stop(true);
    }

    /** Stops redis-server with SIGTERM (a shutdown: it closes its connections and exits). */
    public synchronized void terminate() {
        stop(false);
    }

    private void stop(boolean kill) {
        if (process != null) {
            if (kill) {
                process.destroyForcibly();
            } else {
                process.destroy();
            }
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.setSoTimeout(1000);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] b = new byte[7];
            return s.getInputStream().readNBytes(b, 0, 7) == 7 && new String(b, StandardCharsets.US_ASCII)
                    .equals("+PONG\r\n");
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code redis-cli} against this server; its stdout. */
    public String cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("redis-cli", "-p", Integer.toString(port)));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
