package io.jswoole.http;

import static io.jswoole.server.Running.curl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Details where jswoole had slipped from Swoole (issue 14): cookies that survive a round trip, buffer_output_size
 * on responses, header values and repeated headers, the case of built-in responses' header names, several byte
 * ranges, MIME types registered by the application.
 */
class HttpDetailsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aCookieSetByResponseCookieComesBackAsItWasSet(Mode mode) throws Exception {
        try (Running s = Running.start(HttpApp.create(mode, tmp, Map.of()))) {
            String set = curl("-i", s.url("/status")).lines().filter(l -> l.startsWith("Set-Cookie: session="))
                    .findFirst().orElseThrow();
            String sent = set.substring("Set-Cookie: ".length(), set.indexOf(';'));
            assertThat(sent).isEqualTo("session=a%20b%3Bc");
            // the browser sends back what it was given; the handler reads the value Response.cookie() was given
            assertThat(curl("-b", sent + "; session=second", s.url("/info"))).contains("cookie={session=a b;c}");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aBodyPastBufferOutputSizeIsRefusedAndTheResponseStaysOpen(Mode mode) throws Exception {
        try (Running s = Running.start(HttpApp.create(mode, tmp, Map.of("buffer_output_size", 131072)))) {
            assertThat(curl(s.url("/too-big?n=262144"))).isEqualTo("refused 1203");
            assertThat(curl(s.url("/too-big?n=1000"))).isEqualTo("y".repeat(1000));
            assertThat(curl(s.url("/chunk-too-big?n=262144"))).isEqualTo("small,refused 1203");
            assertThat(curl(s.url("/chunk-too-big?n=100"))).isEqualTo("small," + "y".repeat(100) + "sent");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void headerValuesAreTrimmedRepeatedOnesSentAndReadApart(Mode mode) throws Exception {
        try (Running s = Running.start(HttpApp.create(mode, tmp, Map.of()))) {
            String out = curl("-i", "-H", "X-Rep: one", "-H", "X-Rep: two, three", s.url("/headers"));
            assertThat(out).contains("\r\nLink: </a.css>; rel=preload\r\nLink: </b.js>; rel=preload\r\n")
                    .contains("\r\nX-Trim: spaced\r\n")
                    .endsWith("one|two, three joined=one, two, three");
        }
    }

    /** The answers jswoole writes itself name their headers as a user's Response does. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void builtInErrorResponsesCapitaliseTheirHeaderNames(Mode mode) throws Exception {
        try (Running s = Running.start(HttpApp.create(mode, tmp, Map.of("package_max_length", 1024)))) {
            String tooLarge = curl("-i", "--data-binary", "x".repeat(5000), s.url("/echo"));
            assertThat(tooLarge).startsWith("HTTP/1.1 413").contains("\r\nContent-Type: text/html\r\n")
                    .contains("\r\nContent-Length: ").contains("\r\nServer: ").doesNotContain("\r\ncontent-");
            String bad = s.exchangeUntilClose("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n");
            assertThat(bad).startsWith("HTTP/1.1 400").contains("\r\nContent-Type: text/html\r\n")
                    .contains("\r\nConnection: close\r\n").doesNotContain("\r\ncontent-", "\r\nconnection:");
        }
    }

    /** Answers "handler" to what the static handler does not serve. */
    static final class Handler implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> res.end("handler"));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void severalRangesGetMultipartByteranges(Mode mode) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(root.resolve("f.txt"), "0123456789abcdef");
        try (Probe probe = Probe.create(); Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", root.toString()), Handler.class, probe))) {
            String out = curl("-i", "-r", "0-1,5-6,-2", s.url("/f.txt"));
            assertThat(out).startsWith("HTTP/1.1 206");
            String boundary = out.replaceAll("(?s).*Content-Type: multipart/byteranges; boundary=(\\S+)\r\n.*", "$1");
            assertThat(out).endsWith("\r\n\r\n--" + boundary + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Range: bytes 0-1/16\r\n\r\n01\r\n--" + boundary + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Range: bytes 5-6/16\r\n\r\n56\r\n--" + boundary + "\r\nContent-Type: text/plain\r\n"
                    + "Content-Range: bytes 14-15/16\r\n\r\nef\r\n--" + boundary + "--\r\n");
            // one satisfiable range among unsatisfiable ones: a plain 206
            assertThat(curl("-i", "-r", "100-200,3-4", s.url("/f.txt"))).startsWith("HTTP/1.1 206")
                    .contains("Content-Range: bytes 3-4/16").endsWith("\r\n\r\n34");
            assertThat(curl("-i", "-r", "100-200,300-", s.url("/f.txt"))).startsWith("HTTP/1.1 416")
                    .contains("Content-Range: bytes */16");
            // past MAX_PARTS parts: the whole file, which RFC 9110 lets a server send instead
            String many = "0-0" + ",1-1".repeat(StaticFiles.MAX_PARTS);
            assertThat(curl("-i", "-r", many, s.url("/f.txt"))).startsWith("HTTP/1.1 200")
                    .endsWith("0123456789abcdef");
        }
    }

    /** Requests past worker_max_concurrency wait in a queue, as in Swoole: they are not coroutines meanwhile. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void requestsWaitingForASlotAreNotCoroutines(Mode mode) throws Exception {
        try (Running s = Running.start(HttpApp.create(mode, tmp, Map.of("worker_num", 1, "task_worker_num", 0,
                "worker_max_concurrency", 4)))) {
            // each handler, after its sleep, says how many coroutines its worker has: waiting in coroutines, the
            // requests behind the four in handlers were counted (a median of about 20 of the 40); queued, they are
            // not, and only the four handlers and a passing event coroutine or two are
            List<Integer> counts = concurrently(40, () -> curl(s.url("/sleep-count?ms=200"))).stream()
                    .map(Integer::parseInt).sorted().toList();
            assertThat(counts).hasSize(40);
            assertThat(counts.get(20)).as("median of " + counts).isBetween(1, 8);
        }
    }

    /**
     * A planned restart serves the requests waiting for a slot (Swoole answers them 503): nothing a planned
     * restart holds is lost, as for max_request (README, deviations).
     */
    @Test
    void aReloadServesTheRequestsWaitingForASlot() throws Exception {
        HttpServer server = HttpApp.create(Mode.PROCESS, tmp, Map.of("worker_num", 1, "worker_max_concurrency", 1));
        try (Running s = Running.start(server)) {
            String before = curl(s.url("/pid"));
            Thread reload = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                server.reload();
            });
            List<String> answers = concurrently(4, () -> curl("-i", s.url("/sleep?ms=400")));
            reload.join();
            assertThat(answers).allSatisfy(a -> assertThat(a).startsWith("HTTP/1.1 200").endsWith("slept=400;"));
            assertThat(Running.eventually(() -> {
                try {
                    return !curl(s.url("/pid")).equals(before);
                } catch (Exception e) {
                    return false;
                }
            })).as("the worker JVM was replaced").isTrue();
        }
    }

    private static List<String> concurrently(int n, java.util.concurrent.Callable<String> call) throws Exception {
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(n)) {
            List<java.util.concurrent.Future<String>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                fs.add(pool.submit(call));
            }
            List<String> out = new java.util.ArrayList<>();
            for (var f : fs) {
                out.add(f.get());
            }
            return out;
        }
    }

    @Test
    void mimeTypesCanBeAddedSetDeletedAndListed() {
        assertThat(Mime.get("a/b/page.HTML")).isEqualTo("text/html");
        assertThat(Mime.exists("x.jswoole")).isFalse();
        assertThat(Mime.add("jswoole", "application/x-jswoole")).isTrue();
        assertThat(Mime.add(".jswoole", "text/plain")).as("already there").isFalse();
        assertThat(Mime.get("x.jswoole")).isEqualTo("application/x-jswoole");
        Mime.set("jswoole", "text/x-jswoole; charset=utf-8");
        assertThat(Mime.list()).containsEntry("jswoole", "text/x-jswoole; charset=utf-8");
        assertThat(Mime.delete("jswoole")).isTrue();
        assertThat(Mime.get("x.jswoole")).isEqualTo("application/octet-stream");
        assertThat(Mime.get("README")).isEqualTo("application/octet-stream");
        assertThatThrownBy(() -> Mime.set("bad", "not a type")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a MIME type");
        assertThat(List.copyOf(Mime.list().keySet())).isSorted();
    }
}
