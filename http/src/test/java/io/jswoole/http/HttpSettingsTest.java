package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.websocket.WebSocketServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
}
