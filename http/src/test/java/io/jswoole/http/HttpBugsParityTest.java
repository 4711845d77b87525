package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/0.phpt} and the {@code bug_*.phpt} regressions that a client can see, on
 * jswoole's {@link HttpServer} with curl and raw sockets, in every mode.
 */
class HttpBugsParityTest {
    @TempDir
    static Path dir;
    static final String COOKIE = "this is !@#Auth=Cookie「}」『』P{}!@#Auth=Cookie「}」『』P{}";

    @BeforeAll
    static void files() throws Exception {
        Path examples = Files.createDirectories(dir.resolve("examples-real"));
        Files.write(examples.resolve("test.jpg"), HttpHeadersParityTest.IMAGE);
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.createDirectories(root.resolve("inside"));
        Files.write(root.resolve("inside/test.jpg"), HttpHeadersParityTest.IMAGE);
        Files.createSymbolicLink(root.resolve("examples"), examples);
    }

    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                switch (req.path()) {
                    case "/writable" -> {
                        probe.add("before " + res.isWritable());
                        res.end("body");
                        probe.add("after " + res.isWritable());
                    }
                    case "/cookie" -> {
                        res.cookie("name", COOKIE);
                        res.end();
                    }
                    case "/post" -> res.end(req.getMethod() + " " + new TreeMap<>(req.post()) + " "
                            + req.getContent());
                    default -> res.end("hello world");
                }
            });
        }
    }

    /**
     * {@code 0.phpt}: {@code isWritable()} is true before {@code end()}, false after. {@code bug_2368.phpt}: a cookie
     * value with punctuation and CJK brackets goes out URL-encoded (a space as %20, the deviation of
     * {@code cookie_vs_rawcookie.phpt}). {@code bug_2751.phpt}: a request line with a raw non-ASCII byte is 400 and
     * never reaches the handler (bug fixed: it was served). {@code bug_2786.phpt}: a chunked request body is read (method POST).
     * {@code bug_2947.phpt}: {@code Accept-Encoding: gzip, br} gets gzip (no brotli in jswoole).
     * {@code bug_4261.phpt}: a multipart Content-Type with a charset parameter parses. {@code bug_2988.phpt}: an
     * HTTP/1.1 request without Host is answered 400 (RFC 9112 3.2; Swoole serves it, a deviation).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void regressionsAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            assertThat(Running.curl(r.url("/writable"))).isEqualTo("body");
            assertThat(Running.eventually(() -> p.count("after false") == 1)).isTrue();
            assertThat(p.events()).containsExactly("before true", "after false");

            String head = Running.curl("-s", "-D", "-", "-o", "/dev/null", r.url("/cookie"));
            assertThat(HttpHeadersParityTest.setCookies(head)).containsExactly("name="
                    + URLEncoder.encode(COOKIE, StandardCharsets.UTF_8).replace("+", "%20"));

            String raw = r.exchangeUntilClose("GET /test\u00e2\u0084\u00a2 HTTP/1.1\r\nHost: a\r\n"
                    + "Connection: close\r\n\r\n");
            assertThat(raw).startsWith("HTTP/1.1 400").doesNotContain("hello world", "<timeout>");

            assertThat(Running.curl("-H", "Transfer-Encoding: chunked", "-H",
                    "Content-Type: application/json;charset=UTF-8", "--data-binary", "[]", r.url("/post")))
                    .isEqualTo("POST {} []");

            String gz = Running.curl("-s", "-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: gzip, br",
                    "--data-binary", "x", r.url("/" + "OK".repeat(16)));
            assertThat(HttpFilesParityTest.header(gz, "content-encoding")).isIn("gzip", "");

            String uuid = "swoole" + Long.toHexString(System.nanoTime());
            assertThat(Running.curl("--location", "--request", "POST", "-H",
                    "Content-Type:multipart/form-data;charset=UTF-8", "--form", "token=" + uuid, r.url("/post")))
                    .contains("{token=" + uuid + "}");

            assertThat(r.exchangeUntilClose("GET / HTTP/1.1\r\nAccept: gzip\r\n\r\n")).startsWith("HTTP/1.1 400");
        }
    }

    /**
     * {@code bug_2608.phpt}: under {@code static_handler_locations} {@code /examples}, a file is served; a path
     * that climbs out of the root ({@code /../../examples/test.jpg}, sent as is) is refused 403 (Swoole hands it
     * to the handler, which answers hello world). Swoole follows the .phpt's symlink {@code examples} to a
     * directory outside the root; jswoole refuses a symlink out of the document root (403): both deviations keep
     * the static handler inside {@code document_root}.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void staticLocationsStayInsideTheRoot(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", dir.resolve("root").toString(),
                "static_handler_locations", "/inside,/examples"), Handlers.class, p))) {
            assertThat(HttpHeadersParityTest.curlBytes(r.url("/inside/test.jpg")))
                    .isEqualTo(HttpHeadersParityTest.IMAGE);
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code}", r.url("/examples/test.jpg")))
                    .isEqualTo("403");
            assertThat(Running.curl("--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                    r.url("/inside/../../examples-real/test.jpg"))).isEqualTo("403");
            assertThat(Running.curl(r.url("/elsewhere"))).isEqualTo("hello world");
        }
    }
}
