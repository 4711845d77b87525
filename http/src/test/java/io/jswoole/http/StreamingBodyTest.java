package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streaming request bodies ({@code HttpServer.streamBody}) with curl: a 256 MiB upload (HTTP/1.1 chunked, HTTP/1.1
 * Content-Length, HTTP/2 DATA) read by a handler that starts slowly; the bytes waiting in the server stay bounded
 * (back-pressure: HTTP/1.1 stops reading the socket, HTTP/2 withholds WINDOW_UPDATE), in every mode: in PROCESS
 * mode the master relays the body to the worker JVM, which credits what its handler read. With a dispatch mode that
 * spreads one connection's messages over workers (1, round robin), PROCESS mode reads bodies whole instead.
 */
class StreamingBodyTest {
    static final long SIZE = 256L << 20;

    /** /stream/* is streamed: reads slowly for 1.5 s, then fast; answers what it saw. */
    public static final class Slow implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            HttpServer http = (HttpServer) server;
            http.streamBody(req -> req.path().startsWith("/stream/"));
            http.onRequest((req, res) -> {
                RequestBody body = req.body();
                long atHead = body.received();
                long start = System.nanoTime();
                byte[] buf = new byte[64 * 1024];
                long total = 0, lagDuringSlow = 0;
                try {
                    for (int n; (n = body.read(buf, 0, buf.length)) >= 0; ) {
                        total += n;
                        if (!req.path().endsWith("/fast")
                                && System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(1500)) {
                            lagDuringSlow = Math.max(lagDuringSlow, body.received() - total);
                            Coroutine.sleep(0.01);
                        }
                    }
                } catch (java.io.IOException e) {
                    res.status(500);
                    res.end("failed: " + e.getMessage());
                    return;
                }
                res.end("streaming=" + req.isStreaming() + " read=" + total + " atHeadBelowTotal="
                        + (atHead < total) + " maxBuffered=" + body.maxBuffered() + " lag=" + lagDuringSlow);
            });
        }
    }

    static Map<String, Long> fields(String answer) {
        Map<String, Long> m = new java.util.HashMap<>();
        for (String kv : answer.split(" ")) {
            String[] p = kv.split("=", 2);
            if (p.length == 2 && p[1].chars().allMatch(Character::isDigit)) {
                m.put(p[0], Long.parseLong(p[1]));
            }
        }
        return m;
    }

    static String upload(List<String> curlArgs) throws Exception {
        String cmd = "head -c " + SIZE + " /dev/zero | curl -sS --max-time 120 " + String.join(" ", curlArgs);
        Process p = new ProcessBuilder("sh", "-c", cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aLargeUploadIsReadAsItArrivesWithBoundedBuffering(Mode mode) throws Exception {
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1, "open_http2_protocol", true),
                     Slow.class, probe))) {
            String url = "http://127.0.0.1:" + s.port() + "/stream/up";
            // HTTP/1.1 chunked (curl -T - sends stdin chunked)
            String h1 = upload(List.of("-T", "-", url));
            assertThat(h1).startsWith("streaming=true read=" + SIZE + " atHeadBelowTotal=true");
            System.out.println(mode + " HTTP/1.1 chunked: " + h1);
            Map<String, Long> f = fields(h1);
            assertThat(f.get("maxBuffered")).as("bytes waiting for the handler, HTTP/1.1: " + h1)
                    .isLessThanOrEqualTo(RequestBody.HIGH_WATER + 512 * 1024);
            // HTTP/2 DATA: what waits is bounded by the stream's window (65,535 bytes by default)
            String h2 = upload(List.of("--http2-prior-knowledge", "-T", "-", url));
            assertThat(h2).startsWith("streaming=true read=" + SIZE + " atHeadBelowTotal=true");
            System.out.println(mode + " HTTP/2: " + h2);
            assertThat(fields(h2).get("maxBuffered")).as("HTTP/2: " + h2).isLessThanOrEqualTo(65_535);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void contentLengthBodiesStreamAndOtherPathsStayBuffered(Mode mode) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jswoole-body", ".bin");
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1, "open_http2_protocol", true),
                     Slow.class, probe))) {
            java.nio.file.Files.write(file, new byte[16 << 20]);
            String url = "http://127.0.0.1:" + s.port();
            String out = Running.curl("-sS", "--data-binary", "@" + file, url + "/stream/cl");
            assertThat(out).startsWith("streaming=true read=" + (16 << 20));
            // not matched by the test: read whole first 
            assertThat(Running.curl("-sS", "--data-binary", "abc", url + "/plain"))
                    .startsWith("streaming=false read=3");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    /** Many streamed uploads at once on few connections (h2load: 2 connections, 8 streams each). */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void concurrentStreamedUploadsOverH2c(Mode mode) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jswoole-body", ".bin");
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 2, "open_http2_protocol", true),
                     Slow.class, probe))) {
            java.nio.file.Files.write(file, new byte[1 << 20]);
            Process p = new ProcessBuilder("h2load", "-n", "200", "-c", "2", "-m", "8", "-d", file.toString(),
                    "http://127.0.0.1:" + s.port() + "/stream/fast").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            System.out.println(mode + " h2load: " + out);
            assertThat(out).contains("200 succeeded, 0 failed, 0 errored").contains("status codes: 200 2xx");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"PROCESS"})
    void processModeWithRoundRobinDispatchHandsOverWholeBodies(Mode mode) throws Exception {
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 2, "open_http2_protocol", true,
                     "dispatch_mode", 1), Slow.class, probe))) {
            String url = "http://127.0.0.1:" + s.port() + "/stream/up";
            assertThat(Running.curl("-sS", "--data-binary", "abcdef", url)).startsWith("streaming=false read=6");
            assertThat(Running.curl("-sS", "--http2-prior-knowledge", "--data-binary", "abcdef", url))
                    .startsWith("streaming=false read=6");
        }
    }
}
