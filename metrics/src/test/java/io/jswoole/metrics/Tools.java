package io.jswoole.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The external programs the admin listener's tests run: curl, and the linters that
 * {@code src/test/sh/fetch-metrics-tools.sh} unpacks from Debian's packages (promtool, the Python client's strict
 * OpenMetrics parser). Without them the tests are skipped with the reason, except in CI, where they fail.
 */
final class Tools {
    private static Path cache;

    private Tools() {
    }

    /** The output and exit status of a program. */
    record Result(int status, String out) {
    }

    static synchronized Path linters() throws Exception {
        if (cache == null) {
            Result r = run(null, "src/test/sh/fetch-metrics-tools.sh");
            String[] lines = r.out().strip().split("\n");
            if (r.status() != 0 || lines.length == 0) {
                String why = "promtool and the OpenMetrics parser could not be fetched: " + r.out();
                if (System.getenv("CI") != null) {
                    throw new AssertionError(why);
                }
                Assumptions.abort(why);
            }
            cache = Path.of(lines[lines.length - 1]);
        }
        return cache;
    }

    /** {@code promtool check metrics} over {@code text}: its findings (empty when there are none) and status. */
    static Result promtool(String text) throws Exception {
        return run(text, linters().resolve("usr/bin/promtool").toString(), "check", "metrics");
    }

    /** Debian's Prometheus server (unpacked with promtool). */
    static Path prometheus() throws Exception {
        return linters().resolve("usr/bin/prometheus");
    }

    /** The strict OpenMetrics parser over {@code text}: one line per family ({@code name type unit}), or the error. */
    static Result openMetrics(String text) throws Exception {
        String script = "import sys\n"
                + "from prometheus_client.openmetrics.parser import text_string_to_metric_families as p\n"
                + "for f in p(sys.stdin.read()):\n"
                + "    print(f.name, f.type, f.unit, len(f.documentation), len(f.samples))\n";
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", "-c", script);
        pb.environment().put("PYTHONPATH", linters().resolve("usr/lib/python3/dist-packages").toString());
        return exec(pb, text);
    }

    /** {@code curl} of {@code url}: the status code on the first line, then the body. */
    static Result curl(String url, String... headers) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10", "-o", "-", "-w", "\n%{http_code}"));
        for (String h : headers) {
            cmd.add("-H");
            cmd.add(h);
        }
        cmd.add(url);
        Result r = run(null, cmd.toArray(String[]::new));
        if (r.status() != 0) {
            return new Result(0, r.out());
        }
        String out = r.out();
        int nl = out.lastIndexOf('\n');
        return new Result(Integer.parseInt(out.substring(nl + 1).strip()), out.substring(0, nl));
    }

    static Result run(String input, String... cmd) throws Exception {
        return exec(new ProcessBuilder(cmd), input);
    }

    private static Result exec(ProcessBuilder pb, String input) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jswoole-tool", ".out");
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try (var in = p.getOutputStream()) {
                if (input != null) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(pb.command() + " ended").isTrue();
            return new Result(p.exitValue(), Files.readString(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
