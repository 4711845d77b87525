package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each hardening case with a raw socket: the answer (status line) and that the connection closes, and that a
 * request smuggled behind a bad one is never answered. In every mode: the checks run where the bytes arrive, and in
 * PROCESS mode the handler runs in a worker JVM.
 */
@ParameterizedClass
@EnumSource(Mode.class)
class HttpHardeningTest {
    /** The mode of this invocation of the class (the server is started once per mode, below). */
    @Parameter
    Mode mode;
    private static Probe probe;
    private static Running served;
    @TempDir
    static Path dir;

    /** Counts what it handles ("handled") and how many of its handlers run at once ("running N"). */
    static final class Counting implements HttpRecipe {
        private static final AtomicInteger RUNNING = new AtomicInteger();

        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                probe.add("handled");
                probe.add("running " + RUNNING.incrementAndGet());
                try {
                    if (req.path().equals("/slow")) {
                        Coroutine.sleep(0.05);
                    }
                } finally {
                    RUNNING.decrementAndGet();
                }
                res.end("handled " + req.path());
            });
        }
    }

    @BeforeParameterizedClassInvocation
    static void start(Mode mode) throws Exception {
        Path root = Files.createDirectories(dir.resolve(mode.name()).resolve("root"));
        Files.writeString(root.resolve("index.html"), "<h1>home</h1>");
        Files.writeString(root.getParent().resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("link.txt"), root.getParent().resolve("secret.txt"));
        probe = Probe.create();
        served = Running.start(Recipe.server(mode, Map.ofEntries(Map.entry("worker_num", 1),
                Map.entry("http_header_timeout", 0.5), Map.entry("http_body_timeout", 0.5),
                Map.entry("http_max_pipeline", 4), Map.entry("package_max_length", 4096),
                Map.entry("enable_static_handler", true), Map.entry("document_root", root.toString()),
                Map.entry("http_index_files", "index.html"), Map.entry("http_max_request_line", 1024),
                Map.entry("http_max_header_size", 2048)), Counting.class, probe));
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        served.close();
        probe.close();
    }

    static Stream<Arguments> badRequests() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
        return Stream.of(
                Arguments.of("request line too long", "GET /" + "a".repeat(2000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
                        414),
                Arguments.of("headers too large", "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(3000)
                        + "\r\n\r\n", 431),
                Arguments.of("CL and TE", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("TE and CL in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n"
                        + "Content-Length: 4\r\n\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("two different CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                        + "Content-Length: 5\r\n\r\nabcde" + smuggled, 400),
                Arguments.of("two equal CL", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
                        + "Content-Length: 4\r\n\r\nabcd" + smuggled, 400),
                Arguments.of("CL with plus", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +4\r\n\r\nabcd"
                        + smuggled, 400),
                Arguments.of("CL huge", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551616\r\n\r\n",
                        400),
                Arguments.of("chunk size not hex", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "zz\r\nabc\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("chunk size overflow", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "fffffffffffffffff\r\nabc\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("no CRLF after chunk data", "POST / HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabcXX0\r\n\r\n" + smuggled, 400),
                Arguments.of("TE not chunked", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"
                        + smuggled, 400),
                Arguments.of("TE list", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        + "0\r\n\r\n" + smuggled, 501),
                Arguments.of("NUL before the request line", "\u0000GET / HTTP/1.1\r\nHost: a\r\n\r\n" + smuggled, 400),
                Arguments.of("fold after the request line", "GET / HTTP/1.1\r\n Host: a\r\n\r\n" + smuggled, 400),
                Arguments.of("two TE", "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled, 400),
                Arguments.of("obs-fold", "GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n  folded\r\n\r\n" + smuggled, 400),
                Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost: a\r\nX-A : 1\r\n\r\n" + smuggled, 400),
                Arguments.of("header without colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n" + smuggled, 400),
                Arguments.of("CTL in header value", "GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u0001b\r\n\r\n" + smuggled,
                        400),
                Arguments.of("missing Host", "GET / HTTP/1.1\r\n\r\n" + smuggled, 400),
                Arguments.of("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" + smuggled, 400),
                Arguments.of("bad Host", "GET / HTTP/1.1\r\nHost: a b/c\r\n\r\n" + smuggled, 400),
                Arguments.of("unknown version", "GET / HTTP/1.7\r\nHost: a\r\n\r\n" + smuggled, 505),
                Arguments.of("body over package_max_length", "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n"
                        + "Expect: 100-continue\r\n\r\n", 413),
                Arguments.of("chunked body over package_max_length", "POST / HTTP/1.1\r\nHost: a\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n1000\r\n" + "c".repeat(4096) + "\r\n1000\r\n"
                        + "c".repeat(4096) + "\r\n0\r\n\r\n" + smuggled, 413),
                Arguments.of("encoded dots", "GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 403),
                Arguments.of("symlink out of the root", "GET /link.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 403),
                Arguments.of("NUL in the path", "GET /index.html%00.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badRequestsGetOneAnswer(String what, String raw, int status) throws Exception {
        long before = probe.count("handled");
        String out = served.exchangeUntilClose(raw);
        assertThat(out).as(what).startsWith("HTTP/1.1 " + status + " ");
        assertThat(out).as(what + ": closed after one answer").doesNotContain("<timeout>");
        assertThat(out.split("HTTP/1.1 ", -1)).as(what + ": exactly one response").hasSize(2);
        assertThat(out).doesNotContain("smuggled", "Exception");
        assertThat(probe.count("handled")).as(what + ": handler not called").isEqualTo(before);
    }

    @Test
    void staticFilesServeInsideTheRoot() throws Exception {
        assertThat(Running.curl(served.url("/"))).isEqualTo("<h1>home</h1>");
        assertThat(Running.curl("-i", "-r", "1-3", served.url("/index.html"))).startsWith("HTTP/1.1 206")
                .contains("Content-Range: bytes 1-3/13").endsWith("h1>");
        assertThat(Running.curl("-i", "-r", "50-60", served.url("/index.html"))).startsWith("HTTP/1.1 416");
        String lm = Running.curl("-sI", served.url("/index.html")).lines()
                .filter(l -> l.startsWith("Last-Modified")).findFirst().orElseThrow().substring(15).trim();
        assertThat(Running.curl("-i", "-H", "If-Modified-Since: " + lm, served.url("/index.html")))
                .startsWith("HTTP/1.1 304");
    }

    @Test
    void slowlorisHeadersAndSlowBodiesGet408AndClose() throws Exception {
        try (Socket c = served.connect()) {
            OutputStream out = c.getOutputStream();
            long t0 = System.nanoTime();
            for (String piece : new String[] {"GET / HTTP/1.1\r\n", "Host: a\r\n", "X-A: 1\r\n"}) {
                out.write(piece.getBytes());
                Thread.sleep(150);
            }
            String res = Running.readUntilClose(c);
            assertThat(res).startsWith("HTTP/1.1 408").doesNotContain("<timeout>");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2000);
        }
        try (Socket c = served.connect()) {
            c.getOutputStream().write("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nabc".getBytes());
            assertThat(Running.readUntilClose(c)).startsWith("HTTP/1.1 408").doesNotContain("<timeout>");
        }
        try (Socket c = served.connect()) {
            Thread.sleep(700);
            assertThat(HttpServerTest.readUntil(exchange(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "home", 1))
                    .as("an idle keep-alive connection is not timed by the header deadline").startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aLaterRequestsHeadIsTimedFromItsOwnFirstByte() throws Exception {
        try (Socket c = served.connect()) {
            c.setSoTimeout(5_000);
            // the first request starts the connection's deadline timer (0.5 s); the second head starts 0.3 s later
            // and trickles: when the timer fires it is still inside its own 0.5 s, so it is cut at about 0.8 s
            long t0 = System.nanoTime();
            assertThat(HttpServerTest.readUntil(exchange(c, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"), "home", 1))
                    .startsWith("HTTP/1.1 200");
            Thread.sleep(Math.max(0, 300 - (System.nanoTime() - t0) / 1_000_000));
            long started = System.nanoTime();
            OutputStream out = c.getOutputStream();
            for (String piece : new String[] {"GET / HTTP/1.1\r\n", "Host: a\r\n", "X-A: 1\r\n", "X-B: 2\r\n"}) {
                out.write(piece.getBytes());
                Thread.sleep(100);
            }
            String res = Running.readUntilClose(c);
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertThat(res).startsWith("HTTP/1.1 408");
            assertThat(ms).as("408 after the second head's own 0.5 s, not the first request's").isBetween(450L, 3000L);
        }
    }

    @Test
    void pipelinedRequestsAreCappedInFlightAndAnsweredInOrder() throws Exception {
        int from = probe.events().size();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append("GET /slow?i=").append(i).append(" HTTP/1.1\r\nHost: a\r\n\r\n");
        }
        try (Socket c = served.connect()) {
            c.setSoTimeout(10_000);
            String all = HttpServerTest.readUntil(exchange(c, sb.toString()), "handled /slow", 40);
            assertThat(all.split("HTTP/1.1 200", -1)).hasSize(41);
        }
        // handlers that wait overlap (each is a coroutine of its own, even when they share a thread until one waits),
        // up to the cap
        int peak = probe.events().subList(from, probe.events().size()).stream().filter(e -> e.startsWith("running "))
                .mapToInt(e -> Integer.parseInt(e.substring(8))).max().orElse(0);
        assertThat(peak).as("handlers in flight for one connection").isBetween(2, 4);
    }

    private static java.io.InputStream exchange(Socket c, String raw) throws java.io.IOException {
        c.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        return c.getInputStream();
    }
}
