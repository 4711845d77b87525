package io.jswoole.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jswoole.server.spi.AdminService;
import io.jswoole.server.spi.ServerProbe;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The admin listener of {@code admin_server} ({@code host:port}), found by the server through
 * {@link java.util.ServiceLoader}:
 * <ul>
 *   <li>{@code GET /metrics}: {@link ServerMetrics} in the Prometheus text format 0.0.4, or OpenMetrics 1.0.0 when
 *       the {@code Accept} header asks for {@code application/openmetrics-text} (the Prometheus client's
 *       negotiation, as a Prometheus server's scrape sends it);
 *   <li>{@code GET /health/live}: 200 while the server's JVM answers;
 *   <li>{@code GET /health/ready}: 200 when every port listens, every worker is up and the server is not draining,
 *       503 otherwise (while it starts, from the moment shutdown begins); both with a short JSON body;
 *   <li>{@code GET /}: the live {@link Dashboard} page, fed by {@code GET /events} (server-sent events).
 * </ul>
 * It is the JDK's {@code jdk.httpserver} on virtual threads, apart from the server's event loops and workers: an
 * operator's scrape never waits behind client traffic, and a busy server never delays a health check.
 */
public final class AdminListener implements AdminService {
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();

    /** For {@link java.util.ServiceLoader}. */
    public AdminListener() {
    }

    @Override
    public Listener start(ServerProbe probe, InetSocketAddress address) throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        ServerMetrics.register(probe, registry);
        HttpServer http = HttpServer.create(address, 64);
        ExecutorService threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("jswoole-admin-", 0)
                .factory());
        http.setExecutor(threads);
        http.createContext("/metrics", ex -> metrics(ex, registry));
        http.createContext("/health/live", ex -> respond(ex, 200, "application/json",
                "{\"status\":\"live\"}\n"));
        http.createContext("/health/ready", ex -> ready(ex, probe));
        Dashboard dashboard = new Dashboard(probe);
        http.createContext("/events", dashboard::events);
        http.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/")) {
                dashboard.page(ex);
            } else {
                respond(ex, 404, "text/plain; charset=utf-8",
                        "not found: /, /events, /metrics, /health/live, /health/ready\n");
            }
        });
        http.start();
        return new Listener() {
            @Override
            public InetSocketAddress address() {
                return http.getAddress();
            }

            @Override
            public void close() {
                dashboard.close(); // its event streams end, so the threads below can finish
                http.stop(0);
                threads.close();
            }
        };
    }

    private static void metrics(HttpExchange ex, PrometheusRegistry registry) throws IOException {
        ExpositionFormatWriter writer = FORMATS.findWriter(ex.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
        writer.write(body, registry.scrape());
        respond(ex, 200, writer.getContentType(), body.toByteArray());
    }

    private static void ready(HttpExchange ex, ServerProbe probe) throws IOException {
        ServerProbe.Readiness r = probe.readiness();
        String body = "{\"status\":\"" + (r.ready() ? "ready" : "not ready") + "\",\"state\":\"" + r.state() + "\""
                + (r.ready() ? "" : ",\"reason\":\"" + json(r.reason()) + "\"") + "}\n";
        respond(ex, r.ready() ? 200 : 503, "application/json", body);
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        respond(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    static void respond(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Content-Type", type);
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(ex.getRequestMethod());
            ex.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
