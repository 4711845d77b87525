package io.jswoole.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus (Debian's 2.42) scrapes the admin listener: the target is up and the samples are stored. */
class PrometheusScrapeTest {
    @TempDir
    Path tmp;

    @Test
    void aPrometheusServerScrapesTheAdminListener() throws Exception {
        Path prometheus = Tools.prometheus();
        HoldApp.START = new CountDownLatch(0);
        HoldApp.STOP = new CountDownLatch(0);
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(Mode.BASE, Map.of("worker_num", 1, "admin_server", "127.0.0.1:0"),
                    HoldApp.class, probe);
            Thread t = Thread.ofPlatform().name("test-server").start(s::start);
            Process p = null;
            try {
                assertThat(s.awaitStarted(30, TimeUnit.SECONDS)).isTrue();
                try (Socket c = new Socket("127.0.0.1", s.port())) {
                    OutputStream o = c.getOutputStream();
                    o.write("x".getBytes());
                    o.flush();
                    assertThat(c.getInputStream().read()).isEqualTo('x');
                }
                int admin = s.adminAddress().orElseThrow().getPort();
                int web;
                try (ServerSocket free = new ServerSocket(0)) {
                    web = free.getLocalPort();
                }
                Path config = tmp.resolve("prometheus.yml");
                Files.writeString(config, """
                        global:
                          scrape_interval: 1s
                        scrape_configs:
                          - job_name: jswoole
                            static_configs:
                              - targets: ['127.0.0.1:%d']
                        """.formatted(admin));
                p = new ProcessBuilder(prometheus.toString(), "--config.file=" + config,
                        "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + web)
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
                String api = "http://127.0.0.1:" + web + "/api/v1/query?query=";
                // a sample's value is [time, "value"]
                boolean up = AdminListenerTest.eventually(() -> query(api + "up").contains(",\"1\"]"));
                assertThat(up).as("target up: " + log()).isTrue();
                String accepted = query(api + URLEncoder.encode("jswoole_accepted_connections_total",
                        StandardCharsets.UTF_8));
                assertThat(accepted).contains("\"__name__\":\"jswoole_accepted_connections_total\"", ",\"1\"]");
                // the scrape asked for OpenMetrics, and Prometheus kept the family's type and unit
                String meta = query("http://127.0.0.1:" + web + "/api/v1/metadata?metric=jswoole_received_bytes");
                assertThat(meta).contains("\"type\":\"counter\"", "\"unit\":\"bytes\"");
            } finally {
                if (p != null) {
                    p.destroy();
                    p.waitFor(30, TimeUnit.SECONDS);
                    p.destroyForcibly();
                }
                s.shutdown();
                assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
                t.join(10_000);
            }
        }
    }

    private String log() {
        try {
            return Files.readString(tmp.resolve("prometheus.log"));
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String query(String url) {
        try {
            Tools.Result r = Tools.curl(url);
            return r.status() == 200 ? r.out() : "";
        } catch (Exception e) {
            return "";
        }
    }
}
