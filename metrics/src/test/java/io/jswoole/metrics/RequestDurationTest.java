package io.jswoole.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.http.HttpRecipe;
import io.jswoole.http.HttpServer;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code jswoole_request_duration_seconds}: the time from a request's head to its response's last byte, per port and
 * protocol, in every mode (in PROCESS mode the master measures, where it writes what a worker JVM answered); it passes
 * promtool and the strict OpenMetrics parser.
 */
class RequestDurationTest {
    /** /slow answers after 1.5 s, anything else at once. */
    public static final class Timed implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                if (req.path().equals("/slow")) {
                    Coroutine.sleep(1.5);
                }
                res.end("done " + req.path());
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void durationsPerPortAndProtocolFallInTheirBuckets(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 2,
                "admin_server", "127.0.0.1:0", "open_http2_protocol", true), Timed.class, probe))) {
            List<String> fast = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                fast.add(s.url("/fast" + i));
            }
            Running.curl(fast.toArray(String[]::new)); // 20 on one keep-alive connection
            Running.curl(s.url("/slow"), s.url("/slow"));
            // three streams on one HTTP/2 connection (nghttp: prior knowledge, one connection per authority)
            Tools.Result h2 = Tools.run(null, "nghttp", "-n", "-t", "10", s.url("/h2a"), s.url("/h2b"),
                    s.url("/slow"));
            assertThat(h2.status()).as(h2.out()).isZero();
            String base = "http://127.0.0.1:" + s.server.adminAddress().orElseThrow().getPort();
            String text = Tools.curl(base + "/metrics").out();
            String port = Integer.toString(s.port());

            assertThat(sample(text, "_count", port, "http/1.1", null)).isEqualTo(22);
            assertThat(sample(text, "_bucket", port, "http/1.1", "1.0")).as("the fast ones").isEqualTo(20);
            assertThat(sample(text, "_bucket", port, "http/1.1", "2.5")).as("and the slow ones").isEqualTo(22);
            assertThat(sample(text, "_bucket", port, "http/1.1", "+Inf")).isEqualTo(22);
            assertThat(sample(text, "_sum", port, "http/1.1", null)).as("two slow ones at 1.5 s").isBetween(3.0, 10.0);
            assertThat(sample(text, "_count", port, "h2", null)).isEqualTo(3);
            assertThat(sample(text, "_bucket", port, "h2", "1.0")).isEqualTo(2);
            assertThat(text).contains("# HELP jswoole_request_duration_seconds ",
                    "# TYPE jswoole_request_duration_seconds histogram");

            Tools.Result lint = Tools.promtool(text);
            assertThat(lint.out()).as("promtool's findings").isEmpty();
            assertThat(lint.status()).isZero();
            String om = Tools.curl(base + "/metrics", "Accept: application/openmetrics-text; version=1.0.0").out();
            assertThat(om).contains("# UNIT jswoole_request_duration_seconds seconds");
            Tools.Result parsed = Tools.openMetrics(om);
            assertThat(parsed.status()).as(parsed.out()).isZero();
            assertThat(parsed.out()).contains("jswoole_request_duration_seconds histogram seconds");
        }
    }

    /** A sample of the histogram with these labels ({@code le} for buckets). */
    private static double sample(String text, String suffix, String port, String protocol, String le) {
        Matcher m = Pattern.compile("(?m)^jswoole_request_duration_seconds" + suffix + "\\{([^}]*)\\} (\\S+)$")
                .matcher(text);
        while (m.find()) {
            String labels = m.group(1);
            if (labels.contains("port=\"" + port + "\"") && labels.contains("protocol=\"" + protocol + "\"")
                    && (le == null || labels.contains("le=\"" + le + "\""))) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no " + suffix + " " + port + " " + protocol + " " + le + " in\n" + text);
    }
}
