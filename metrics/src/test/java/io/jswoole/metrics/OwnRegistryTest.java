package io.jswoole.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Server;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The same families in an application's own registry, without admin_server. */
class OwnRegistryTest {
    @Test
    void anApplicationRegistryExportsTheServersFamilies() throws Exception {
        Server s = new Server("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1));
        s.onReceive((x, fd, rid, d) -> x.send(fd, d));
        assertThat(s.probe()).as("before start").isEmpty();
        Thread t = Thread.ofPlatform().start(s::start);
        try {
            assertThat(s.awaitStarted(30, TimeUnit.SECONDS)).isTrue();
            assertThat(s.adminAddress()).as("no admin_server: no listener").isEmpty();
            PrometheusRegistry mine = new PrometheusRegistry();
            ServerMetrics.register(s.probe().orElseThrow(), mine);
            try (Socket c = new Socket("127.0.0.1", s.port())) {
                OutputStream o = c.getOutputStream();
                o.write("x".getBytes());
                o.flush();
                assertThat(c.getInputStream().read()).isEqualTo('x');
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, mine.scrape());
            String text = out.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("jswoole_accepted_connections_total 1.0", "jswoole_received_bytes_total 1.0",
                    "jswoole_ready_servers 1.0");
            Tools.Result lint = Tools.promtool(text);
            assertThat(lint.out()).isEmpty();
            assertThat(lint.status()).isZero();
        } finally {
            s.shutdown();
            assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
            t.join(10_000);
        }
    }
}
