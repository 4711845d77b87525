package io.jswoole.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code admin_server}: /health/live and /health/ready through a server's life, and /metrics through two linters. */
class AdminListenerTest {
    private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    @ParameterizedTest
    @EnumSource(Mode.class)
    void readinessIsFalseWhileStartingTrueWhileServingAndFalseAsSoonAsShutdownBegins(Mode mode) throws Exception {
        HoldApp.START = new CountDownLatch(1);
        HoldApp.STOP = new CountDownLatch(1);
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(mode, Map.of("worker_num", 2, "admin_server", "127.0.0.1:0"), HoldApp.class,
                    probe);
            Thread t = Thread.ofPlatform().name("test-server").start(s::start);
            try {
                assertThat(eventually(() -> s.adminAddress().isPresent())).as("admin listener up").isTrue();
                String base = base(s);
                // the ports listen, the start callback has not returned: not ready yet
                Tools.Result starting = Tools.curl(base + "/health/ready");
                assertThat(starting.status()).isEqualTo(503);
                assertThat(starting.out()).contains("\"state\":\"starting\"");
                assertThat(Tools.curl(base + "/health/live").status()).isEqualTo(200);

                HoldApp.START.countDown();
                assertThat(s.awaitStarted(30, TimeUnit.SECONDS)).isTrue();
                assertThat(eventually(() -> status(base + "/health/ready") == 200)).as("ready").isTrue();
                assertThat(Tools.curl(base + "/health/ready").out()).contains("\"status\":\"ready\"");
                assertThat(echo(s.port(), "hello")).isEqualTo("hello");

                s.shutdown(); // beforeShutdown holds the drain: readiness has already turned
                assertThat(eventually(() -> status(base + "/health/ready") == 503)).as("draining").isTrue();
                Tools.Result draining = Tools.curl(base + "/health/ready");
                assertThat(draining.status()).isEqualTo(503);
                assertThat(draining.out()).contains("\"state\":\"draining\"");
                assertThat(Tools.curl(base + "/health/live").status()).isEqualTo(200);
            } finally {
                HoldApp.START.countDown();
                HoldApp.STOP.countDown();
                s.shutdown();
                assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
                t.join(10_000);
            }
            assertThat(s.adminAddress()).as("closed with the server").isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void withADrainDelayTheServerIsNotReadyButServesNewConnectionsUntilItEnds(Mode mode) throws Exception {
        // drain_delay (issue 23): SIGTERM or shutdown() turns readiness to 503 at once, then the server goes on
        // accepting and serving for the delay (a load balancer still sending to it is answered), then stops
        HoldApp.START = new CountDownLatch(0);
        HoldApp.STOP = new CountDownLatch(0);
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(mode, Map.of("worker_num", 2, "admin_server", "127.0.0.1:0", "drain_delay", 3),
                    HoldApp.class, probe);
            Thread t = Thread.ofPlatform().name("test-server").start(s::start);
            try {
                assertThat(s.awaitStarted(30, TimeUnit.SECONDS)).isTrue();
                String base = base(s);
                assertThat(eventually(() -> status(base + "/health/ready") == 200)).as("ready").isTrue();
                long t0 = System.nanoTime();
                s.shutdown();
                assertThat(eventually(() -> status(base + "/health/ready") == 503)).as("not ready").isTrue();
                assertThat(Tools.curl(base + "/health/ready").out()).contains("\"state\":\"draining\"");
                // a connection made after readiness turned, within the delay, is served
                assertThat(echo(s.port(), "still here")).isEqualTo("still here");
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("served within the delay")
                        .isLessThan(3_000);
                assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("stopped after the delay")
                        .isGreaterThanOrEqualTo(3_000);
            } finally {
                s.shutdown();
                assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
                t.join(10_000);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void metricsPassPromtoolAndTheStrictOpenMetricsParser(Mode mode) throws Exception {
        HoldApp.START = new CountDownLatch(0);
        HoldApp.STOP = new CountDownLatch(0);
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(mode, Map.of("worker_num", 2, "task_worker_num", 1,
                    "admin_server", "127.0.0.1:0"), HoldApp.class, probe);
            Thread t = Thread.ofPlatform().name("test-server").start(s::start);
            try {
                assertThat(s.awaitStarted(30, TimeUnit.SECONDS)).isTrue();
                for (int i = 0; i < 3; i++) {
                    assertThat(echo(s.port(), "ping " + i)).isEqualTo("ping " + i);
                }
                assertThat(echo(s.port(), "task 1")).isEqualTo("task 1");
                String base = base(s);
                assertThat(eventually(() -> status(base + "/health/ready") == 200)).as("ready").isTrue();
                HttpClient http = HttpClient.newHttpClient();

                HttpResponse<String> text = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(text.statusCode()).isEqualTo(200);
                assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; "
                        + "charset=utf-8");
                Tools.Result lint = Tools.promtool(text.body());
                assertThat(lint.out()).as("promtool's findings").isEmpty();
                assertThat(lint.status()).isZero();
                assertThat(value(text.body(), "jswoole_accepted_connections_total")).isGreaterThanOrEqualTo(4);
                assertThat(value(text.body(), "jswoole_received_bytes_total")).isGreaterThanOrEqualTo(18);
                assertThat(value(text.body(), "jswoole_event_workers")).isEqualTo(2);
                assertThat(value(text.body(), "jswoole_task_workers")).isEqualTo(1);
                String task0 = "{kind=\"task\",worker=\"0\"}";
                assertThat(value(text.body(), "jswoole_up_workers" + task0)).isEqualTo(1);
                assertThat(value(text.body(), "jswoole_worker_resident_memory_bytes" + task0)).isPositive();
                if (mode != Mode.PROCESS) { // a task worker JVM counts its own finished tasks
                    assertThat(value(text.body(), "jswoole_worker_finished_tasks_total" + task0)).isEqualTo(1);
                }
                assertThat(value(text.body(), "jswoole_responses_total")).as("four echoes").isGreaterThanOrEqualTo(4);
                assertThat(value(text.body(), "jswoole_ready_servers")).isEqualTo(1);
                for (String w : new String[] {"0", "1"}) {
                    String labels = "{kind=\"event\",worker=\"" + w + "\"}";
                    assertThat(value(text.body(), "jswoole_up_workers" + labels)).isEqualTo(1);
                    assertThat(value(text.body(), "jswoole_worker_dispatched_events_total" + labels)).isNotNegative();
                    assertThat(value(text.body(), "jswoole_worker_resident_memory_bytes" + labels)).isPositive();
                    assertThat(value(text.body(), "jswoole_worker_heap_used_bytes" + labels)).isPositive();
                    assertThat(value(text.body(), "jswoole_worker_heap_committed_bytes" + labels)).isPositive();
                    // a worker JVM reports its own (ToMaster.Coroutines, sent once it started)
                    assertThat(value(text.body(), "jswoole_worker_coroutines" + labels)).isNotNegative();
                    assertThat(value(text.body(), "jswoole_worker_peak_coroutines" + labels)).isNotNegative();
                }

                HttpResponse<String> om = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                        .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;"
                                + "q=0.5,*/*;q=0.1").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(om.headers().firstValue("Content-Type")).hasValue(OPENMETRICS);
                assertThat(om.body()).endsWith("# EOF\n");
                Tools.Result parsed = Tools.openMetrics(om.body());
                assertThat(parsed.status()).as(parsed.out()).isZero();
                String[] families = parsed.out().strip().split("\n");
                assertThat(families.length).isGreaterThanOrEqualTo(30);
                for (String f : families) { // name type unit help-length samples
                    String[] p = f.split(" ");
                    assertThat(p).as(f).hasSize(5);
                    assertThat(p[2]).as("unit of " + f).isNotEmpty();
                    assertThat(Integer.parseInt(p[3])).as("help of " + f).isPositive();
                }
                assertThat(parsed.out()).contains("jswoole_accepted_connections counter connections",
                        "jswoole_received_bytes counter bytes", "jswoole_connections gauge connections",
                        "jswoole_worker_responses counter responses", "jswoole_event_loop_pending_tasks gauge tasks");
            } finally {
                s.shutdown();
                assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
                t.join(10_000);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void readinessIsFalseWhileAWorkerJvmIsDownAndTrueOnceItsReplacementIsUp() throws Exception {
        HoldApp.START = new CountDownLatch(0);
        HoldApp.STOP = new CountDownLatch(0);
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(Mode.PROCESS, Map.of("worker_num", 2, "admin_server", "127.0.0.1:0"),
                    HoldApp.class, probe);
            Thread t = Thread.ofPlatform().name("test-server").start(s::start);
            try {
                assertThat(s.awaitStarted(30, TimeUnit.SECONDS)).isTrue();
                String base = base(s);
                assertThat(eventually(() -> status(base + "/health/ready") == 200)).as("ready").isTrue();
                int pid = s.getWorkerPid(1);
                java.nio.file.Path hold = HoldApp.holdFile(ProcessHandle.current().pid());
                java.nio.file.Files.writeString(hold, "held");
                try {
                    new ProcessBuilder("kill", "-9", Integer.toString(pid)).start().waitFor();
                    // the replacement waits for the hold file: worker 1 is not up
                    assertThat(eventually(() -> status(base + "/health/ready") == 503)).as("not ready").isTrue();
                    assertThat(Tools.curl(base + "/health/ready").out()).contains("\"state\":\"serving\"",
                            "worker 1 is not up");
                } finally {
                    java.nio.file.Files.deleteIfExists(hold);
                }
                assertThat(eventually(() -> s.getWorkerPid(1) != pid && status(base + "/health/ready") == 200))
                        .as("ready again with a new worker 1").isTrue();
                assertThat(echo(s.port(), "after")).isEqualTo("after");
                // a reload replaces the workers on purpose: the server stays ready while a replacement starts
                int first = s.getWorkerPid(0);
                java.nio.file.Files.writeString(hold, "held");
                try {
                    assertThat(s.reload()).isTrue();
                    assertThat(eventually(() -> s.getWorkerPid(0) != first)).as("worker 0 being replaced").isTrue();
                    assertThat(status(base + "/health/ready")).as("ready during a reload").isEqualTo(200);
                } finally {
                    java.nio.file.Files.deleteIfExists(hold);
                }
            } finally {
                s.shutdown();
                assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
                t.join(10_000);
            }
        }
    }

    private static String base(Server s) {
        InetSocketAddress a = s.adminAddress().orElseThrow();
        return "http://127.0.0.1:" + a.getPort();
    }

    private static int status(String url) {
        try {
            return Tools.curl(url).status();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The value of the sample {@code name} (with its labels) in the text format. */
    private static double value(String text, String sample) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
        assertThat(m.find()).as(sample + " in\n" + text).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static String echo(int port, String msg) throws Exception {
        try (Socket c = new Socket("127.0.0.1", port)) {
            c.setSoTimeout(10_000);
            OutputStream out = c.getOutputStream();
            out.write(msg.getBytes());
            out.flush();
            InputStream in = c.getInputStream();
            byte[] buf = new byte[msg.length()];
            int n = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            return new String(buf, 0, n);
        }
    }

    static boolean eventually(BooleanSupplier cond) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (cond.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return cond.getAsBoolean();
    }
}
