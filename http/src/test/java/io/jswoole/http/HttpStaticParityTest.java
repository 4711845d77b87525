package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/static_handler/*.phpt}, {@code http_autoindex.phpt} and
 * {@code http_index_files_autoindex.phpt} on jswoole's static handler, with curl, in every mode.
 */
class HttpStaticParityTest {
    @TempDir
    static Path dir;
    static Path root;
    static final byte[] IMAGE = HttpHeadersParityTest.IMAGE;
    static final String CHINESE = "PHP是世界上最好的语言.txt";

    @BeforeAll
    static void tree() throws Exception {
        root = Files.createDirectories(dir.resolve("docroot"));
        Path examples = Files.createDirectories(root.resolve("examples"));
        Files.write(examples.resolve("test.jpg"), IMAGE);
        Files.write(examples.resolve("exists.xyz"), HttpHeadersParityTest.blob(4096));
        Files.createSymbolicLink(examples.resolve("test_link.jpg"), examples.resolve("test.jpg"));
        Files.write(dir.resolve("outside.jpg"), IMAGE);
        Files.createDirectories(root.resolve("image"));
        Files.createSymbolicLink(root.resolve("image/image.jpg"), dir.resolve("outside.jpg"));
        Files.createDirectories(dir.resolve("docroot2"));
        Files.writeString(dir.resolve("docroot2/uuid.txt"), "uuid-outside");
        Files.writeString(root.resolve(CHINESE), "chinese name content");
        Files.writeString(root.resolve("index.html"), "<h1>index</h1>\n");
        Files.createDirectories(root.resolve("http"));
        Files.writeString(root.resolve("http/UPPER.TXT"), "HELLO WORLD!\n");
        Files.writeString(root.resolve("http/test.txt"), "hello world!\n");
        Files.createDirectories(root.resolve("dir1"));
        Files.writeString(root.resolve("dir1/a.txt"), "a");
        Files.writeString(root.resolve("dir1/b.txt"), "b");
        Files.createDirectories(root.resolve("dir2"));
        Files.writeString(root.resolve("dir2/index.txt"), "dir2 index\n");
    }

    /** A handler that answers only /dynamic paths and leaves the rest unanswered (mimetype_not_exists). */
    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                probe.add("handler " + req.path());
                if (!req.path().startsWith("/not_exists")) {
                    res.end("dynamic request");
                }
            });
        }
    }

    private static String code(String url, String... args) throws Exception {
        String[] all = new String[args.length + 5];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"-o", "/dev/null", "-w", "%{http_code}", url}, 0, all, args.length, 5);
        return Running.curl(all);
    }

    /**
     * {@code locations.phpt}, {@code relative_path.phpt}: under {@code /examples} a file is served (the root given
     * with {@code ..} parts), a missing one is 404, a path outside the locations reaches the handler.
     * {@code mimetype_not_exists.phpt}: an unknown extension is application/octet-stream (a handler that sends
     * nothing: {@link #aHandlerThatSendsNothingGets500}). {@code read_link_file.phpt}: a symlink to a file inside the root is followed.
     * {@code read_link_2.phpt}: a symlink to a file outside it is 403 (Swoole follows it: the deviation of
     * {@code bug_2608.phpt}). {@code relative_path_3.phpt}: {@code /../docroot2/uuid.txt} beside a root named
     * {@code docroot} is never served. {@code urldecode.phpt}: a URL-encoded Chinese file name. {@code relative_path_2.phpt}:
     * {@code /../examples/test.jpg} under the root {@code examples} stays inside it and is served; one that leaves
     * the root is 403 (Swoole: the handler's hello world, the deviation of {@code bug_2608.phpt}).
     * {@code bug_5114.phpt}: {@code UPPER.TXT} is text/plain as {@code test.txt} is (the extension in any case).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void locationsLinksAndNamesAsSwoole(Mode mode) throws Exception {
        String relative = root.resolve("examples/../").toString();
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", relative, "static_handler_locations",
                "/examples,/image"), Handlers.class, p))) {
            assertThat(HttpHeadersParityTest.curlBytes(r.url("/examples/test.jpg"))).isEqualTo(IMAGE);
            assertThat(code(r.url("/examples/test2.jpg"))).isEqualTo("404");
            assertThat(Running.curl(r.url("/test.jpg"))).isEqualTo("dynamic request");
            assertThat(code(r.url("/examples/not_exists.xyz"))).isEqualTo("404");
            assertThat(Running.curl(r.url("/not_exists.xyz"))).isEmpty(); // Swoole: 500, the test below
            String xyz = Running.curl("-s", "-D", "-", "-o", "/dev/null", r.url("/examples/exists.xyz"));
            assertThat(HttpFilesParityTest.header(xyz, "content-type")).isEqualTo("application/octet-stream");
            assertThat(HttpHeadersParityTest.curlBytes(r.url("/examples/test_link.jpg"))).isEqualTo(IMAGE);
            assertThat(code(r.url("/image/image.jpg"))).isEqualTo("403");
            assertThat(p.events()).containsExactly("handler /test.jpg", "handler /not_exists.xyz");
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", root.toString()), Handlers.class, p))) {
            assertThat(Running.curl("--path-as-is", r.url("/../docroot2/uuid.txt"))).doesNotContain("uuid-outside");
            assertThat(Running.curl(r.url("/" + URLEncoder.encode(CHINESE, StandardCharsets.UTF_8))))
                    .isEqualTo("chinese name content");
            for (String[] f : new String[][] {{"UPPER.TXT", "HELLO WORLD!\n"}, {"test.txt", "hello world!\n"}}) {
                String got = Running.curl("-s", "-D", "-", r.url("/http/" + f[0]));
                assertThat(got).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n" + f[1]);
                assertThat(HttpFilesParityTest.header(got, "content-type")).as(f[0]).isEqualTo("text/plain");
            }
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", root.resolve("examples").toString()),
                Handlers.class, p))) {
            Process pr = new ProcessBuilder("curl", "-sS", "--path-as-is", "--max-time", "10", r.url(
                    "/../examples/test.jpg")).start();
            assertThat(HttpHeadersParityTest.md5(pr.getInputStream().readAllBytes()))
                    .isEqualTo(HttpHeadersParityTest.md5(IMAGE));
            assertThat(code(r.url("/../dir1/a.txt"), "--path-as-is")).isEqualTo("403");
        }
    }

    /**
     * {@code static_handler/mimetype_not_exists.phpt}: a request handler that returns without a response is
     * answered 500, as Swoole does (HttpProtocol.finish).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHandlerThatSendsNothingGets500(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1),
                Handlers.class, p))) {
            assertThat(code(r.url("/not_exists.xyz"))).isEqualTo("500");
        }
    }

    /**
     * {@code http_autoindex.phpt}: with {@code http_autoindex} a directory is listed with every entry.
     * {@code http_index_files_autoindex.phpt}: index files first, the listing for a directory without one.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void autoindexAsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", root.toString(), "http_autoindex", true),
                Handlers.class, p))) {
            assertThat(Running.curl(r.url("/"))).contains("examples", "image", "index.html", "dir1", "dir2");
            assertThat(Running.curl(r.url("/dir1"))).contains("a.txt", "b.txt");
            assertThat(Running.curl(r.url("/dir2"))).contains("index.txt");
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "enable_static_handler", true, "document_root", root.toString(), "http_autoindex", true,
                "http_index_files", "index.html,index.txt"), Handlers.class, p))) {
            assertThat(Running.curl(r.url("/"))).isEqualTo("<h1>index</h1>\n");
            assertThat(Running.curl(r.url("/dir1"))).contains("a.txt", "b.txt");
            assertThat(Running.curl(r.url("/dir2"))).isEqualTo("dir2 index\n");
        }
    }

    /**
     * {@code document_root_not_exists.phpt}: a {@code document_root} that does not exist is refused by
     * {@code set()} (Swoole: false and a warning naming document_root; bug fixed: it was taken, and every file
     * was then 404).
     */
    @Test
    void aMissingDocumentRootIsRefused() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        assertThatThrownBy(() -> s.set(Map.of("enable_static_handler", true, "document_root",
                dir.resolve("no-such-root").toString()))).hasMessageContaining("document_root");
    }
}
