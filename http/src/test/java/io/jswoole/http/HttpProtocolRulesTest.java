package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Protocol rules Swoole's users met (issue 17): methods are case-sensitive and known, headers are counted. */
class HttpProtocolRulesTest {
    /** Answers with the method it was called for; each call is a "handled" probe entry. */
    static final class Method implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                probe.add("handled");
                res.end("method " + req.getMethod() + ", " + req.header().size() + " headers");
            });
        }
    }

    private static String request(String method, int extraHeaders) {
        StringBuilder b = new StringBuilder(method).append(" / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n");
        for (int i = 0; i < extraHeaders; i++) {
            b.append("X-").append(i).append(": v\r\n");
        }
        return b.append("\r\n").toString();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void methodsAreCaseSensitiveAndUnknownOnesGet501(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "http_extra_methods", "BREW"), Method.class, probe))) {
            assertThat(s.exchangeUntilClose(request("GET", 0))).startsWith("HTTP/1.1 200").endsWith("method GET, "
                    + "2 headers");
            assertThat(s.exchangeUntilClose(request("PROPFIND", 0))).as("WebDAV").startsWith("HTTP/1.1 200");
            assertThat(s.exchangeUntilClose(request("BREW", 0))).as("http_extra_methods").startsWith("HTTP/1.1 200")
                    .contains("method BREW");
            for (String m : new String[] {"get", "Get", "FOO", "BREWX"}) {
                String out = s.exchangeUntilClose(request(m, 0));
                assertThat(out).as(m).startsWith("HTTP/1.1 501 ").doesNotContain("<timeout>");
                assertThat(out.split("HTTP/1.1 ", -1)).as(m + ": one answer, then the close").hasSize(2);
            }
            assertThat(probe.count("handled")).as("the handler saw only the methods served").isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void manySmallHeadersAreServedAndACountPastTheCapGets431(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "http_max_header_size", 65536), Method.class, probe))) {
            // 1,000 headers of a few bytes, far under the size cap: served
            assertThat(s.exchangeUntilClose(request("GET", 1000))).startsWith("HTTP/1.1 200")
                    .endsWith("1002 headers");
            String over = s.exchangeUntilClose(request("GET", 2000));
            assertThat(over).startsWith("HTTP/1.1 431 ").doesNotContain("<timeout>");
            assertThat(probe.count("handled")).isEqualTo(1);
        }
        try (Probe probe = Probe.create(); Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "http_max_header_count", 10), Method.class, probe))) {
            assertThat(s.exchangeUntilClose(request("GET", 8))).as("10 headers").startsWith("HTTP/1.1 200");
            assertThat(s.exchangeUntilClose(request("GET", 9))).as("11 headers").startsWith("HTTP/1.1 431 ");
        }
    }

    @Test
    void anExtraMethodMustBeAToken() {
        HttpServer s = new HttpServer("127.0.0.1", 0);
        assertThatThrownBy(() -> s.set(Map.of("http_extra_methods", "BREW, NOT A TOKEN")))
                .hasMessageContaining("'http_extra_methods'").hasMessageContaining("NOT A TOKEN");
    }
}
