package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code max_request_execution_time}: a handler that runs past the deadline gets 408 (or its connection cut, or its
 * HTTP/2 stream reset), its coroutine is canceled and its later writes dropped, and its worker serves the next
 * request; fast handlers do not notice. One worker with {@code worker_max_concurrency} 1, so the next request is
 * served only if the deadline freed the slot. In every mode: in PROCESS mode the deadline runs in the worker JVM.
 */
@ParameterizedClass
@EnumSource(Mode.class)
class HttpDeadlineTest {
    @Parameter
    Mode mode;
    private static Probe probe;
    private static Running served;
    private static java.nio.file.Path log;

    /** /sleep waits 10 s, /stream writes a piece then waits, anything else answers at once with its worker. */
    public static final class Slow implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                String who = "worker " + server.getWorkerId() + " pid " + ProcessHandle.current().pid();
                switch (req.path()) {
                    case "/sleep" -> {
                        boolean slept = Coroutine.sleep(10);
                        probe.add("sleep returned " + slept + " " + req.uri() + " " + who);
                        probe.add("late end " + res.end("late") + " " + req.uri());
                    }
                    case "/stream" -> {
                        res.write("first piece;");
                        boolean slept = Coroutine.sleep(10);
                        probe.add("stream sleep returned " + slept);
                        probe.add("late write " + res.write("second piece;"));
                    }
                    case "/throw" -> {
                        try {
                            Thread.sleep(10_000);
                        } catch (InterruptedException e) {
                            probe.add("interrupted");
                            throw new IllegalStateException("interrupted at the deadline", e);
                        }
                    }
                    default -> res.end("fast " + req.path() + " " + who);
                }
            });
        }
    }

    @BeforeParameterizedClassInvocation
    static void start(Mode mode) throws Exception {
        probe = Probe.create();
        log = java.nio.file.Files.createTempFile("jswoole-deadline", ".log");
        served = Running.start(Recipe.server(mode, Map.of("worker_num", 1, "worker_max_concurrency", 1,
                "max_request_execution_time", 1, "open_http2_protocol", true, "log_file", log.toString()),
                Slow.class, probe));
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        served.close();
        probe.close();
        java.nio.file.Files.deleteIfExists(log);
    }

    @Test
    void aSleepingHandlerGets408AtTheDeadlineAndItsWorkerServesTheNextRequest() throws Exception {
        long t0 = System.nanoTime();
        String answer;
        try (Socket s = served.connect()) {
            s.setSoTimeout(8000);
            s.getOutputStream().write("GET /sleep?first HTTP/1.1\r\nHost: a\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            answer = Running.readUntilClose(s);
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close")
                .doesNotContain("late").doesNotEndWith("<timeout>");
        assertThat(ms).as("answered at the deadline").isBetween(900L, 5000L);
        // the handler's coroutine was canceled: its sleep failed at once and its late end was refused
        assertThat(Running.eventually(() -> probe.events().stream().anyMatch(e -> e.contains("/sleep?first "))))
                .isTrue();
        String canceled = probe.events().stream().filter(e -> e.contains("/sleep?first ")).findFirst()
                .orElseThrow();
        assertThat(canceled).startsWith("sleep returned false");
        assertThat(Running.eventually(() -> probe.count("late end false /sleep?first") == 1)).isTrue();
        // a new connection, served by the same worker (the only one; its one slot was freed)
        String fast = Running.curl(served.url("/next"));
        assertThat(fast).isEqualTo("fast /next " + canceled.substring(canceled.indexOf("worker ")));
    }

    @Test
    void aFastHandlerIsUnaffectedAndItsConnectionStays() throws Exception {
        try (Socket s = served.connect()) {
            for (int i = 0; i < 3; i++) {
                s.getOutputStream().write(("GET /f" + i + " HTTP/1.1\r\nHost: a\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String r = readResponse(s);
                assertThat(r).startsWith("HTTP/1.1 200 OK\r\n").contains("fast /f" + i)
                        .doesNotContain("Connection: close");
            }
        }
    }

    @Test
    void requestsPipelinedBehindATimedOutOneAreDroppedWithTheClose() throws Exception {
        String answer;
        try (Socket s = served.connect()) {
            s.setSoTimeout(8000);
            s.getOutputStream().write(("GET /fast1 HTTP/1.1\r\nHost: a\r\n\r\nGET /sleep HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /fast2 HTTP/1.1\r\nHost: a\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            answer = Running.readUntilClose(s);
        }
        List<String> statuses = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.1 \\d{3} [A-Za-z ]+\r\n")
                .matcher(answer);
        while (m.find()) {
            statuses.add(m.group().strip());
        }
        assertThat(statuses).as(answer).containsExactly("HTTP/1.1 200 OK", "HTTP/1.1 408 Request Timeout");
        assertThat(answer).contains("fast /fast1").doesNotContain("fast /fast2").doesNotEndWith("<timeout>");
    }

    @Test
    void aResponseThatBeganIsCutByClosingWithoutItsLastChunk() throws Exception {
        String answer;
        try (Socket s = served.connect()) {
            s.setSoTimeout(8000);
            s.getOutputStream().write("GET /stream HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            answer = Running.readUntilClose(s);
        }
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("Transfer-Encoding: chunked", "first piece;")
                .doesNotContain("second piece").doesNotContain("\r\n0\r\n\r\n").doesNotEndWith("<timeout>");
        assertThat(Running.eventually(() -> probe.count("late write false") >= 1)).isTrue();
        assertThat(Running.curl(served.url("/after-stream"))).startsWith("fast /after-stream");
    }

    @Test
    void aHandlerInterruptedInAJdkCallThatThrowsGets408() throws Exception {
        assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code}", served.url("/throw"))).isEqualTo("408");
        assertThat(Running.eventually(() -> probe.count("interrupted") >= 1)).isTrue();
        // one line says it; the exception the canceled handler threw is not logged
        assertThat(Running.eventually(() -> read(log).contains("GET /throw on fd"))).isTrue();
        String lines = read(log);
        assertThat(lines.lines().filter(l -> l.contains("/throw"))).hasSize(1).allMatch(l -> l.contains(
                "max_request_execution_time (1.0 s) passed: GET /throw on fd") && l.contains("answered 408"));
        assertThat(lines).doesNotContain("interrupted at the deadline").doesNotContain("request handler failed");
        assertThat(Running.curl(served.url("/after-throw"))).startsWith("fast /after-throw");
    }

    @Test
    void http2TimesOutTheStreamAndLeavesTheOthers() throws Exception {
        // two streams on one connection (nghttp opens one per authority): the sleeping one gets 408, the other
        // its answer (it waited for the one slot, which the deadline freed), and the connection stays
        String both = nghttp(served.url("/sleep"), served.url("/h2-fast"));
        assertThat(both).contains(":status: 408", ":status: 200", "fast /h2-fast").doesNotContain("recv GOAWAY")
                .doesNotContain("recv RST_STREAM");
        // a stream whose response began is reset; only its first piece arrived
        String streamed = nghttp(served.url("/stream"));
        assertThat(streamed).contains(":status: 200", "first piece;", "recv RST_STREAM")
                .doesNotContain("second piece");
        assertThat(Running.curl("--http2-prior-knowledge", served.url("/after-h2"))).startsWith("fast /after-h2");
    }

    /** {@code nghttp -v} of {@code urls} (one HTTP/2 connection, prior knowledge): its frames and the bodies. */
    private static String nghttp(String... urls) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("nghttp", "-v", "-t", "10"));
        cmd.addAll(List.of(urls));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static String read(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One response with a Content-Length body. */
    private static String readResponse(Socket s) throws IOException {
        StringBuilder head = new StringBuilder();
        var in = s.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) c);
        }
        int at = head.indexOf("Content-Length: ") + 16;
        int len = Integer.parseInt(head.substring(at, head.indexOf("\r\n", at)));
        return head + new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
    }
}
