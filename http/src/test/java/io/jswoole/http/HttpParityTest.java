package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Swoole's {@code tests/swoole_http_server/*.phpt} on jswoole's {@link HttpServer}, with curl as the client. */
class HttpParityTest {
    static final String DATA = "{\"code\":\"ok\",\"error\":false,\"payload\":\"Hello World\"}";

    /** The handlers of {@code head_method.phpt}, {@code purge_method.phpt} and {@code error_413.phpt}. */
    static final class Handlers implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                probe.add("request " + req.getMethod());
                res.header("Content-Type", "application/json");
                switch (req.getMethod()) {
                    case "HEAD" -> {
                        res.header("Content-Length", String.valueOf(DATA.length()));
                        res.end();
                    }
                    case "PURGE" -> res.end("<h1>Purged</h1>");
                    default -> res.end(DATA);
                }
            });
        }
    }

    /**
     * {@code tests/swoole_http_server/head_method.phpt}: HEAD gets no body and the Content-Length the handler set
     * (curl's download_content_length); GET gets the body. {@code purge_method.phpt}: PURGE reaches the handler
     * (it is among the methods jswoole knows, as llhttp does).
     * {@code error_413.phpt}: a 64 KiB form past package_max_length 8192 gets 413 (Swoole's body is empty,
     * jswoole's one short line).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void headPurgeAnd413AsSwoole(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "package_max_length", 8192), Handlers.class, p))) {
            String head = Running.curl("-I", "-X", "HEAD", r.url("/"));
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + DATA.length());
            String[] parts = head.split("\r\n\r\n", 2);
            assertThat(parts.length < 2 || parts[1].isEmpty()).as("no body").isTrue();
            assertThat(Running.curl(r.url("/"))).isEqualTo(DATA);
            assertThat(Running.curl("-X", "PURGE", r.url("/"))).isEqualTo("<h1>Purged</h1>");
            String big = Running.curl("-o", "/dev/null", "-w", "%{http_code} %{size_download}", "-F",
                    "data=" + "A".repeat(65536), r.url("/"));
            // Swoole's 413 has an empty body; jswoole's error answers carry one short line saying why
            assertThat(big).startsWith("413 ");
            assertThat(Integer.parseInt(big.substring(4))).isBetween(1, 200);
        }
    }
}
