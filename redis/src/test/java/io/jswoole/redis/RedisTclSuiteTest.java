package io.jswoole.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redis's own Tcl protocol tests ({@code tests/unit/protocol.tcl} of Debian's redis source package, fetched by
 * {@code src/test/tcl/fetch-redis-tests.sh} into a cache, never committed) against {@link TclSuiteStore}, in every
 * mode, through the suite's own harness as it runs against an external server. Without tclsh8.6 or the suite
 * the test is skipped, except in CI ({@code CI} set), where it fails and says what is missing.
 */
class RedisTclSuiteTest {
    private static final Path FETCH = Path.of("src/test/tcl/fetch-redis-tests.sh");
    private static final String TCLSH = "tclsh8.6";

    /**
     * The suite's tests that this server does not run, each with the reason; given to the harness as
     * {@code --skiptest} (its own mechanism), and the harness must report each of them as skipped. None: every
     * test of unit/protocol runs, the {@code needs:debug} ones too, as {@link TclSuiteStore} has DEBUG PROTOCOL.
     */
    private static final List<String> SKIPPED = List.of();

    /** The tests of unit/protocol in redis 7.0.15 that must pass, so that one that stops running is noticed. */
    private static final List<String> EXPECTED = List.of("Handle an empty query", "Negative multibulk length",
            "Out of range multibulk length", "Wrong multibulk payload header", "Negative multibulk payload length",
            "Out of range multibulk payload length", "Non-number multibulk payload length",
            "Multi bulk request not followed by bulk arguments", "Generic wrong number of args",
            "Unbalanced number of quotes", "Protocol desync regression test #1", "Protocol desync regression test #2",
            "Protocol desync regression test #3", "raw protocol response", "raw protocol response - deferred",
            "raw protocol response - multiline", "RESP3 attributes", "RESP3 attributes readraw",
            "RESP3 attributes on RESP2", "test big number parsing", "test bool parsing",
            "test verbatim str parsing", "test large number of args", "test argument rewriting - issue 9598",
            "Regression for a crash with blocking ops and pipelining");

    private static Path suite;
    /** Why the suite cannot run here, or null. */
    private static String missing;

    @BeforeAll
    static void findTheSuite() throws Exception {
        boolean ci = System.getenv("CI") != null;
        if (!onPath(TCLSH)) {
            missing = TCLSH + " is not installed (Debian package tcl)";
        } else {
            Process p = new ProcessBuilder("bash", FETCH.toString()).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || out.isEmpty()) {
                missing = "Redis's Tcl suite could not be fetched by " + FETCH + " (its reasons are on stderr)";
            } else {
                suite = Path.of(out.lines().reduce((a, b) -> b).orElseThrow());
            }
        }
        if (missing != null && ci) {
            throw new AssertionError(missing + "; .ci/run installs tcl and fetches the suite");
        }
    }

    private static boolean onPath(String program) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void redisOwnProtocolTestsPass(Mode mode) throws Exception {
        Assumptions.assumeTrue(missing == null, missing); // each run reported as skipped, with the reason
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(mode, Map.of("worker_num", 1), TclSuiteStore.class, probe);
            Thread.ofPlatform().name("test-redis-tcl").start(s::start);
            assertThat(s.awaitStarted(20, TimeUnit.SECONDS)).as("server started").isTrue();
            try {
                String out = runSuite(s.port());
                System.out.println("unit/protocol in " + mode + " mode:\n" + out); // surefire keeps it in a file
                assertThat(lines(out, "err")).as(out).isEmpty();
                assertThat(out).as(out).doesNotContain("[exception]").contains("All tests passed without errors");
                assertThat(lines(out, "skip")).as(out).containsExactlyInAnyOrderElementsOf(SKIPPED);
                assertThat(lines(out, "ok")).as(out).containsAll(EXPECTED);
            } finally {
                s.shutdown();
                assertThat(s.awaitStopped(20, TimeUnit.SECONDS)).as("server stopped").isTrue();
            }
        }
    }

    /** Runs unit/protocol against {@code port}; its output. */
    private static String runSuite(int port) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(TCLSH, "tests/test_helper.tcl", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--single", "unit/protocol", "--clients", "1",
                // one database (no SELECT 9); a failure reports instead of stopping the run
                "--singledb", "--durable", "--timeout", "300"));
        for (String test : SKIPPED) {
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
    private static List<String> lines(String out, String status) {
        Matcher m = Pattern.compile("^\\[" + status + "\\]: (.*?)(?: \\(\\d+ ms\\))?$", Pattern.MULTILINE)
                .matcher(out);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
