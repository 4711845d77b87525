package io.jswoole.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jswoole.http.HttpServer;
import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The admin listener's dashboard ({@code admin_server}, {@code /}) in a real headless Chromium, on http-hello in
 * PROCESS mode under load: the page fills from its event stream, its numbers move between two screenshots, the
 * worker JVMs show with their pids and memory, and a reload shows as restarts with their cause.
 */
class DashboardTest {
    @Test
    void theDashboardShowsTheServerLiveAndItsNumbersMoveUnderLoad() throws Exception {
        assumeTrue(Files.isExecutable(Chromium.BINARY), "needs Debian's chromium (apt-get install -y chromium)");
        HttpServer hello = HttpHello.create("127.0.0.1", 0, Mode.PROCESS, Map.of("worker_num", 2,
                "admin_server", "127.0.0.1:0"));
        hello.workerEntry(HttpHello.class, "127.0.0.1", "0", "process", "worker_num=2");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong answered = new AtomicLong();
        try (Running s = Running.start(hello); Chromium browser = new Chromium()) {
            Thread load = Thread.ofPlatform().name("load").start(() -> {
                HttpClient c = HttpClient.newHttpClient();
                while (loading.get()) {
                    try {
                        String path = answered.get() % 4 == 0 ? "/sleep?ms=3" : "/";
                        c.send(HttpRequest.newBuilder(URI.create(s.url(path))).build(),
                                HttpResponse.BodyHandlers.discarding());
                        answered.incrementAndGet();
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            try {
                String admin = "http://127.0.0.1:" + hello.adminAddress().orElseThrow().getPort() + "/";
                String tab = browser.open(admin);
                String requests = "document.getElementById('requests').textContent";
                browser.await(tab, "(document.getElementById('state') || {}).textContent", "ready");
                browser.await(tab, "document.querySelectorAll('#workers tr').length", "2");
                browser.await(tab, "Number(document.getElementById('rps').textContent.replace(/,/g, '')) > 0",
                        "true");
                String[] first = numbers(browser, tab);
                byte[] shot1 = browser.screenshot(tab, 1366, 768);
                Thread.sleep(3000);
                String[] second = numbers(browser, tab);
                byte[] shot2 = browser.screenshot(tab, 1366, 768);
                Path dir = Files.createDirectories(Path.of("target", "dashboard"));
                Files.write(dir.resolve("dashboard-1.png"), shot1);
                Files.write(dir.resolve("dashboard-2.png"), shot2);

                // requests, updated-at, p50 and the rps history move; the latency is in milliseconds
                assertThat(Long.parseLong(second[0].replace(",", ""))).as("requests")
                        .isGreaterThan(Long.parseLong(first[0].replace(",", "")));
                assertThat(second[1]).as("updated").isNotEqualTo(first[1]);
                assertThat(second[2]).as("p50 ms").matches("\\d+\\.\\d+");
                for (byte[] png : new byte[][] {shot1, shot2}) {
                    assertThat(Arrays.copyOf(png, 4)).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
                    assertThat(png.length).isGreaterThan(10_000);
                }
                assertThat(shot2).as("the second screenshot shows other numbers").isNotEqualTo(shot1);
                // the worker JVMs, with their pids and resident memory
                String rows = browser.eval(tab, "Array.from(document.querySelectorAll('#workers tr'))"
                        + ".map(r => r.textContent).join('|')");
                for (int w = 0; w < 2; w++) {
                    assertThat(rows).contains("event " + w + hello.getWorkerPid(w));
                }
                assertThat(browser.eval(tab, "document.querySelector('#workers tr td:nth-child(4)').textContent"))
                        .matches("\\d+\\.\\d");
                // a reload replaces both worker JVMs: the page lists the restarts and says why
                int before = hello.getWorkerPid(0);
                assertThat(hello.reload()).isTrue();
                String restarts = browser.await(tab, "document.getElementById('restarts').textContent",
                        "worker 1replaced on purpose");
                assertThat(restarts).contains("worker 0replaced on purpose (reload, max_request or max_memory)"
                        + before);
                assertThat(answered.get()).isPositive();
            } finally {
                loading.set(false);
                load.join(10_000);
            }
        }
    }

    /** The requests tile, the updated time and p50, as the page shows them. */
    private static String[] numbers(Chromium browser, String tab) throws Exception {
        return browser.eval(tab, "['requests', 'updated', 'p50'].map(id => document.getElementById(id)"
                + ".textContent).join('|')").split("\\|");
    }
}
