package io.jswoole.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The dashboard's page and event stream in every mode: the page is self-contained (nothing loaded from elsewhere),
 * and the stream sends a snapshot a second whose request count follows the traffic and lists every worker.
 */
class DashboardEventsTest {
    @ParameterizedTest
    @EnumSource(Mode.class)
    void thePageIsSelfContainedAndTheStreamFollowsTheTraffic(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 2,
                "admin_server", "127.0.0.1:0"), RequestDurationTest.Timed.class, probe))) {
            String base = "http://127.0.0.1:" + s.server.adminAddress().orElseThrow().getPort();
            Tools.Result page = Tools.curl(base + "/");
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.out()).contains("<title>jswoole dashboard</title>", "new EventSource(\"events\")")
                    .doesNotContainPattern("(src|href)=\"(https?:)?//");
            assertThat(Tools.curl(base + "/nothing").status()).isEqualTo(404);

            HttpResponse<java.io.InputStream> events = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/event-stream"));
            try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(),
                    StandardCharsets.UTF_8))) {
                String first = next(in); // the latest snapshot at once (it may be from the server's start)
                for (int i = 0; i < 10 && !first.contains("\"ready\":true"); i++) {
                    first = next(in);
                }
                assertThat(first).contains("\"ready\":true", "\"kind\":\"event\"");
                assertThat(first.split("\"kind\":\"event\"")).hasSize(3); // two workers
                for (int i = 0; i < 5; i++) {
                    assertThat(Running.curl(s.url("/n" + i))).isEqualTo("done /n" + i);
                }
                String later = first;
                long end = System.nanoTime() + 10_000_000_000L;
                while (number(later, "requests") < number(first, "requests") + 5 && System.nanoTime() < end) {
                    later = next(in);
                }
                assertThat(number(later, "requests")).isGreaterThanOrEqualTo(number(first, "requests") + 5);
                assertThat(later).containsPattern("\"p50\":[0-9.e-]+,");
            }
        }
    }

    /** The next {@code data:} line of the stream. */
    private static String next(BufferedReader in) throws Exception {
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line.substring(6);
            }
        }
        throw new AssertionError("the event stream ended");
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.e+-]+)").matcher(json);
        assertThat(m.find()).as(field + " in " + json).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
