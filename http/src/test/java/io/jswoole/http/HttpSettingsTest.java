package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.websocket.WebSocketServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** HTTP keys are validated at set() and honoured; the rest goes to Server.set. */
class HttpSettingsTest {
    @Test
    void badKeysAndValuesNameTheKey() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        assertThatThrownBy(() -> s.set(Map.of("http_compression_level", 12)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http_compression_level'");
        assertThatThrownBy(() -> s.set(Map.of("http_parse_post", "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http_parse_post'");
        assertThatThrownBy(() -> s.set(Map.of("http2_max_headers", 100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> s.set(Map.of("url_rewrite_rules", Map.of())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> s.set(Map.of("websocket_compression", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a WebSocketServer");
        assertThatThrownBy(() -> s.set(Map.of("enable_static_handler", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("document_root");
        assertThatThrownBy(() -> s.set(Map.of("static_handler_locations", List.of("static"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'static_handler_locations'");
        assertThatThrownBy(() -> s.set(Map.of("http_parse_postt", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http_parse_postt");
        assertThatThrownBy(() -> s.set(Map.of("open_http_protocol", false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'open_http_protocol'");
    }

    /** OpenSwoole's request deadline: seconds (fractions taken), 0 for none; a plain Server refuses it by name. */
    @Test
    void maxRequestExecutionTimeIsValidatedByName() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        s.set(Map.of("max_request_execution_time", 2));
        assertThat(s.setting()).containsEntry("max_request_execution_time", 2.0);
        for (Object bad : List.of(-1, 86_401, "soon")) {
            assertThatThrownBy(() -> s.set(Map.of("max_request_execution_time", bad))).as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'max_request_execution_time'");
        }
        assertThatThrownBy(() -> new Server("127.0.0.1", 0).set(Map.of("max_request_execution_time", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'max_request_execution_time' belongs to HttpServer");
    }

    /** The http2_* keys take RFC 9113's ranges (6.5.2); push cannot be turned on; OpenSwoole's alias is taken. */
    @Test
    void http2KeysAreValidatedByName() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        s.set(Map.of("open_http2_protocol", true, "http2_initial_window_size", "1M", "http2_max_frame_size", 32768,
                "http2_max_concurrent_streams", 10, "http2_header_table_size", 0, "http2_max_header_list_size",
                "16K", "http2_enable_push", false));
        assertThat(s.setting()).containsEntry("open_http2_protocol", true)
                .containsEntry("http2_init_window_size", 1L << 20).containsEntry("http2_max_frame_size", 32768L)
                .containsEntry("http2_max_concurrent_streams", 10).containsEntry("http2_max_header_list_size",
                        16L << 10);
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("http2_max_frame_size", 16383),
                Map.of("http2_max_frame_size", 16_777_216), Map.of("http2_init_window_size", 1L << 31),
                Map.of("http2_max_concurrent_streams", 0), Map.of("http2_header_table_size", -1),
                Map.of("http2_max_header_list_size", 0), Map.of("open_http2_protocol", "maybe"))) {
            String key = bad.keySet().iterator().next();
            assertThatThrownBy(() -> s.set(bad)).as(key).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + key + "'");
        }
        assertThatThrownBy(() -> s.set(Map.of("http2_enable_push", true)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no push");
    }

    @Test
    void aliasesAreStoredUnderCanonicalNamesAndServerKeysPassThrough() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        s.set(Map.of("compression_level", 5, "compression_types", "text/html, text/plain", "worker_num", 1,
                "upload_max_filesize", "10M"));
        assertThat(s.setting()).containsEntry("http_compression_level", 5)
                .containsEntry("http_compression_types", List.of("text/html", "text/plain"))
                .containsEntry("upload_max_filesize", 10L << 20).containsEntry("worker_num", 1);
        WebSocketServer ws = new WebSocketServer("127.0.0.1", 0);
        ws.set(Map.of("websocket_subprotocol", "chat", "open_websocket_ping_frame", true));
        assertThat(ws.setting()).containsEntry("websocket_subprotocol", "chat");
        assertThat(HttpSettings.parse("http_index_files", "index.html,index.htm"))
                .isEqualTo(List.of("index.html", "index.htm"));
    }

    /** Shows what parsing left of the request. */
    static final class ShowParsed implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> res.end("post=" + req.post() + " cookie=" + req.cookie()
                    + " body=" + req.getContent() + " " + "x".repeat(100)));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void parsingSwitchesAreHonoured(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running sv = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "http_parse_post", false, "http_parse_cookie", false, "http_compression", false), ShowParsed.class,
                probe))) {
            String out = Running.curl("-i", "--compressed", "-b", "a=1", "-d", "k=v", sv.url("/"));
            assertThat(out).contains("post={} cookie={} body=k=v").doesNotContainIgnoringCase("content-encoding");
        }
    }

    @TempDir
    Path tmp;

    /** Sleeps on /sleep, counts uploads on /up*, answers 3,000 bytes otherwise; "running N" as each starts. */
    static final class Options implements HttpRecipe {
        private static final AtomicInteger RUNNING = new AtomicInteger();

        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                probe.add("running " + RUNNING.incrementAndGet());
                try {
                    if (req.path().equals("/sleep")) {
                        Coroutine.sleep(0.2);
                    }
                } finally {
                    RUNNING.decrementAndGet();
                }
                res.header("Content-Type", req.path().equals("/html") ? "text/html" : "text/plain");
                res.end(req.path().startsWith("/up") ? "files=" + req.files().size() : "x".repeat(3000));
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void concurrencyUploadCompressionAndStaticOptionsAreHonoured(Mode mode) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("pub"));
        Files.writeString(root.resolve("pub/a.txt"), "in pub");
        Files.writeString(root.resolve("other.txt"), "outside the location");
        Map<String, Object> settings = Map.ofEntries(Map.entry("worker_num", 1),
                Map.entry("worker_max_concurrency", 1), Map.entry("upload_max_filesize", 1000),
                Map.entry("package_max_length", 4096), Map.entry("http_compression_types", "text/html"),
                Map.entry("upload_tmp_dir", tmp.resolve("up").toString()), Map.entry("enable_static_handler", true),
                Map.entry("document_root", root.toString()), Map.entry("static_handler_locations", "/pub"),
                Map.entry("http_autoindex", true));
        try (Probe probe = Probe.create(); Running sv = Running.start(Recipe.server(mode, settings, Options.class,
                probe))) {
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    Running.curl(sv.url("/sleep"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Running.curl(sv.url("/sleep"));
            other.join();
            assertThat(probe.events()).as("worker_max_concurrency queues the second request")
                    .containsOnly("running 1");
            Path small = Files.write(tmp.resolve("small.bin"), new byte[500]);
            Path big = Files.write(tmp.resolve("big.bin"), new byte[2000]);
            assertThat(Running.curl("-F", "f=@" + small, sv.url("/up"))).isEqualTo("files=1");
            assertThat(Running.curl("-i", "-F", "f=@" + big, sv.url("/up"))).startsWith("HTTP/1.1 413");
            assertThat(Running.curl("-i", "--compressed", sv.url("/plain"))).doesNotContainIgnoringCase(
                    "content-encoding");
            assertThat(Running.curl("-i", "--compressed", sv.url("/html"))).containsIgnoringCase(
                    "content-encoding: gzip");
            assertThat(Running.curl(sv.url("/pub/"))).contains("Index of /pub/", "a.txt");
            assertThat(Running.curl(sv.url("/pub/a.txt"))).isEqualTo("in pub");
            assertThat(Running.curl("-i", sv.url("/pub/missing.txt"))).startsWith("HTTP/1.1 404");
            assertThat(Running.curl(sv.url("/other.txt"))).as("outside the locations: the handler")
                    .isEqualTo("x".repeat(3000));
        }
    }
}
