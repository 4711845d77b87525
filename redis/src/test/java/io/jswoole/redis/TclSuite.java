package io.jswoole.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Redis's own Tcl suite ({@code tests/} of Debian's redis source package, fetched by
 * {@code redis/src/test/tcl/fetch-redis-tests.sh} into a cache, never committed), run through its own harness as
 * it runs against an external server: shared by {@link RedisTclSuiteTest} (against {@link TclSuiteStore}) and the
 * examples' test of {@code redis-kv}.
 */
public final class TclSuite {
    public static final String TCLSH = "tclsh8.6";
    /** The tests of unit/protocol in redis 7.0.15, so that one that stops running is noticed. */
    public static final List<String> PROTOCOL_TESTS = List.of("Handle an empty query", "Negative multibulk length",
            "Out of range multibulk length", "Wrong multibulk payload header", "Negative multibulk payload length",
            "Out of range multibulk payload length", "Non-number multibulk payload length",
            "Multi bulk request not followed by bulk arguments", "Generic wrong number of args",
            "Unbalanced number of quotes", "Protocol desync regression test #1", "Protocol desync regression test #2",
            "Protocol desync regression test #3", "raw protocol response", "raw protocol response - deferred",
            "raw protocol response - multiline", "RESP3 attributes", "RESP3 attributes readraw",
            "RESP3 attributes on RESP2", "test big number parsing", "test bool parsing",
            "test verbatim str parsing", "test large number of args", "test argument rewriting - issue 9598",
            "Regression for a crash with blocking ops and pipelining");

    /** The suite's directory, or null; {@link #missing} says why when null. */
    private final Path suite;
    private final String missing;

    private TclSuite(Path suite, String missing) {
        this.suite = suite;
        this.missing = missing;
    }

    /**
     * Finds tclsh8.6 and the suite (fetching it when it is not in the cache). In CI ({@code CI} set) a missing
     * piece fails here and says what is missing; elsewhere {@link #missing} says it, for a test to skip with.
     */
    public static TclSuite find() throws Exception {
        boolean ci = System.getenv("CI") != null;
        Path fetch = Files.exists(Path.of("src/test/tcl/fetch-redis-tests.sh"))
                ? Path.of("src/test/tcl/fetch-redis-tests.sh") : Path.of("../redis/src/test/tcl/fetch-redis-tests.sh");
        Path suite = null;
        String missing = null;
        if (!onPath(TCLSH)) {
            missing = TCLSH + " is not installed (Debian package tcl)";
        } else {
            Process p = new ProcessBuilder("bash", fetch.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
                missing = "Redis's Tcl suite could not be fetched by " + fetch + " (its reasons are on stderr)";
            } else {
                suite = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
            }
        }
        if (missing != null && ci) {
            throw new AssertionError(missing + "; .ci/run installs tcl and fetches the suite");
        }
        return new TclSuite(suite, missing);
    }

    /** Why the suite cannot run here, or null. */
    public String missing() {
        return missing;
    }

    private static boolean onPath(String program) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }

    /** Runs unit/protocol against {@code port}, skipping {@code skipped} (the harness's --skiptest); its output. */
    public String runProtocol(int port, List<String> skipped) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TCLSH, "tests/test_helper.tcl", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--single", "unit/protocol", "--clients", "1",
                // one database (no SELECT 9); a failure reports instead of stopping the run
                "--singledb", "--durable", "--timeout", "300"));
        for (String test : skipped) {
            command.addAll(List.of("--skiptest", test));
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(suite.toFile()).redirectErrorStream(true);
        pb.environment().put("TERM", "dumb"); // no colours in [ok]
        Process p = pb.start();
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.append(e);
            }
        });
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        reader.join();
        return out.toString();
    }

    /** The names the harness reported with {@code [status]: name}. */
    public static List<String> lines(String out, String status) {
        Matcher m = Pattern.compile("^\\[" + status + "\\]: (.*?)(?: \\(\\d+ ms\\))?$", Pattern.MULTILINE)
                .matcher(out);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
