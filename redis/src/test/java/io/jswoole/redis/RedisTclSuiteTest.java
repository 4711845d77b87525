package io.jswoole.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redis's own Tcl protocol tests ({@code tests/unit/protocol.tcl} of Debian's redis source package, fetched by
 * {@code src/test/tcl/fetch-redis-tests.sh} into a cache, never committed; {@link TclSuite}) against
 * {@link TclSuiteStore}, in every mode, through the suite's own harness as it runs against an external server.
 * Without tclsh8.6 or the suite the test is skipped, except in CI ({@code CI} set), where it fails and says what is
 * missing.
 */
class RedisTclSuiteTest {
    /**
     * The suite's tests that this server does not run, each with the reason; given to the harness as
     * {@code --skiptest} (its own mechanism), and the harness must report each of them as skipped. None: every
     * test of unit/protocol runs, the {@code needs:debug} ones too, as {@link TclSuiteStore} has DEBUG PROTOCOL.
     */
    private static final List<String> SKIPPED = List.of();

    /** The tests of unit/protocol in redis 7.0.15 that must pass, so that one that stops running is noticed. */
    private static final List<String> EXPECTED = TclSuite.PROTOCOL_TESTS;

    private static TclSuite suite;

    @BeforeAll
    static void findTheSuite() throws Exception {
        suite = TclSuite.find();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void redisOwnProtocolTestsPass(Mode mode) throws Exception {
        // each run reported as skipped, with the reason
        Assumptions.assumeTrue(suite.missing() == null, suite.missing());
        try (Probe probe = Probe.create()) {
            Server s = Recipe.server(mode, Map.of("worker_num", 1), TclSuiteStore.class, probe);
            Thread.ofPlatform().name("test-redis-tcl").start(s::start);
            assertThat(s.awaitStarted(20, TimeUnit.SECONDS)).as("server started").isTrue();
            try {
                String out = suite.runProtocol(s.port(), SKIPPED);
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

    private static List<String> lines(String out, String status) {
        return TclSuite.lines(out, status);
    }
}
