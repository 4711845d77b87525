package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.websocket.WebSocketServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP keys are validated at set() and honoured; the rest goes to Server.set. */
class HttpSettingsTest {
    @Test
    void badKeysAndValuesNameTheKey() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        assertThatThrownBy(() -> s.set(Map.of("http_compression_level", 12)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http_compression_level'");
        assertThatThrownBy(() -> s.set(Map.of("http_parse_post", "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'http_parse_post'");
        assertThatThrownBy(() -> s.set(Map.of("open_http2_protocol", true)))
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

    @Test
    void parsingSwitchesAreHonoured() throws Exception {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1, "http_parse_post", false, "http_parse_cookie", false,
                "http_compression", false));
        s.onRequest((req, res) -> res.end("post=" + req.post() + " cookie=" + req.cookie() + " body="
                + req.getContent() + " " + "x".repeat(100)));
        try (Served sv = Served.start(s)) {
            String out = Served.curl("-i", "--compressed", "-b", "a=1", "-d", "k=v", sv.url("/"));
            assertThat(out).contains("post={} cookie={} body=k=v").doesNotContainIgnoringCase("content-encoding");
        }
    }

    @TempDir
    Path tmp;

    @Test
    void concurrencyUploadCompressionAndStaticOptionsAreHonoured() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("pub"));
        Files.writeString(root.resolve("pub/a.txt"), "in pub");
        Files.writeString(root.resolve("other.txt"), "outside the location");
        AtomicInteger running = new AtomicInteger(), peak = new AtomicInteger();
        HttpServer s = new HttpServer("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1, "worker_max_concurrency", 1, "upload_max_filesize", 1000,
                "package_max_length", 4096, "http_compression_types", List.of("text/html"),
                "upload_tmp_dir", tmp.resolve("up").toString(), "enable_static_handler", true,
                "document_root", root.toString(), "static_handler_locations", List.of("/pub"),
                "http_autoindex", true));
        s.onRequest((req, res) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Thread.sleep(req.path().equals("/sleep") ? 200 : 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                running.decrementAndGet();
            }
            res.header("Content-Type", req.path().equals("/html") ? "text/html" : "text/plain");
            res.end(req.path().startsWith("/up") ? "files=" + req.files().size() : "x".repeat(3000));
        });
        try (Served sv = Served.start(s)) {
            Thread other = Thread.ofPlatform().start(() -> {
                try {
                    Served.curl(sv.url("/sleep"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Served.curl(sv.url("/sleep"));
            other.join();
            assertThat(peak.get()).as("worker_max_concurrency queues the second request").isEqualTo(1);
            Path small = Files.write(tmp.resolve("small.bin"), new byte[500]);
            Path big = Files.write(tmp.resolve("big.bin"), new byte[2000]);
            assertThat(Served.curl("-F", "f=@" + small, sv.url("/up"))).isEqualTo("files=1");
            assertThat(Served.curl("-i", "-F", "f=@" + big, sv.url("/up"))).startsWith("HTTP/1.1 413");
            assertThat(Served.curl("-i", "--compressed", sv.url("/plain"))).doesNotContainIgnoringCase(
                    "content-encoding");
            assertThat(Served.curl("-i", "--compressed", sv.url("/html"))).containsIgnoringCase(
                    "content-encoding: gzip");
            assertThat(Served.curl(sv.url("/pub/"))).contains("Index of /pub/", "a.txt");
            assertThat(Served.curl(sv.url("/pub/a.txt"))).isEqualTo("in pub");
            assertThat(Served.curl("-i", sv.url("/pub/missing.txt"))).startsWith("HTTP/1.1 404");
            assertThat(Served.curl(sv.url("/other.txt"))).as("outside the locations: the handler")
                    .isEqualTo("x".repeat(3000));
        }
    }
}
