package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code http} and {@code websocket} units against servers nobody here wrote: Debian's h2o (HTTP/1.1, a
 * static file) and a WebSocket echo on npm's {@code ws} (installed by {@code src/test/sh/fetch-node-ws.sh});
 * redis-server is in {@link RedisUnitTest}, nghttpd in {@link Http2UnitTest}.
 */
class ForeignServersTest {
    @TempDir
    Path dir;


    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(int port) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            try (Socket ok = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("nothing listens on " + port);
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    @Test
    void httpAgainstH2o() throws Exception {
        Files.createDirectories(dir.resolve("www"));
        Files.writeString(dir.resolve("www/index.html"), "hello from h2o\n");
        int port = freePort();
        String conf = (System.getProperty("user.name").equals("root") ? "user: root\n" : "") // else h2o drops to nobody
                + "num-threads: 1\npid-file: " + dir.resolve("h2o.pid") + "\nerror-log: " + dir.resolve("h2o.err")
                + "\nlisten:\n  host: 127.0.0.1\n  port: " + port + "\nhosts:\n  default:\n    paths:\n      /:\n"
                + "        file.dir: " + dir.resolve("www") + "\n";
        Files.writeString(dir.resolve("h2o.conf"), conf);
        Process h2o = new ProcessBuilder("h2o", "-c", dir.resolve("h2o.conf").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("h2o.log").toFile()).start();
        try {
            await(port);
            String target = "tcp://127.0.0.1:" + port;
            Load.allGood(Load.run("-f", "http", "-s", target, "--path", "/index.html", "-c", "4", "-n", "4000", "-P", "4",
                    "--verify"), 4000);
            Result missing = Load.run("-f", "http", "-s", target, "--path", "/nothing-here", "-c", "2", "-n", "100");
            assertThat(missing.total().ok).isZero();
            assertThat(missing.total().errors).containsEntry("status 404", 100L);
        } finally {
            stop(h2o);
        }
    }

    @Test
    void websocketAgainstNodeWs() throws Exception {
        Process fetch = new ProcessBuilder("src/test/sh/fetch-node-ws.sh").redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> out = new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertThat(fetch.waitFor()).as("src/test/sh/fetch-node-ws.sh (needs node and npm)").isZero();
        ProcessBuilder pb = new ProcessBuilder("node", "src/test/node/ws-echo.cjs").redirectErrorStream(true);
        pb.environment().put("NODE_PATH", Path.of(out.getLast(), "node_modules").toString());
        Process node = pb.start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(node.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = lines.readLine();
            assertThat(first).as("the ws echo's first line").startsWith("listening ");
            String target = "tcp://127.0.0.1:" + first.substring("listening ".length()).trim();
            Load.allGood(Load.run("-f", "websocket", "-s", target, "--path", "/", "-c", "8", "-n", "4000", "-l", "100",
                    "--verify"), 4000);
            Load.allGood(Load.run("-f", "websocket", "-s", target, "--path", "/", "-c", "2", "-n", "1000", "-l", "3000",
                    "--set", "opcode=binary", "-P", "4", "--verify"), 1000);
        } finally {
            stop(node);
        }
    }
}
