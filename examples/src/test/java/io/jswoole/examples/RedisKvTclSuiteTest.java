package io.jswoole.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.redis.TclSuite;
import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Redis's own Tcl protocol tests ({@code unit/protocol} of Debian's redis 7.0.15, through its harness against an
 * external server: {@link TclSuite}) against {@code redis-kv} itself, in every mode, two workers (two worker JVMs
 * in PROCESS mode, sharing the Table), and redis-kv's lists, sets and transactions with redis-cli.
 */
class RedisKvTclSuiteTest {
    /**
     * The tests redis-kv does not run: each asks {@code DEBUG PROTOCOL} for a canned reply of a RESP3 type
     * (attribute, big number, boolean, verbatim). DEBUG is redis-server's debugging command, not a key-value one;
     * the same replies go through the same encoder in the redis module's run of the suite against TclSuiteStore.
     */
    private static final List<String> SKIPPED = List.of("RESP3 attributes", "RESP3 attributes readraw",
            "RESP3 attributes on RESP2", "test big number parsing", "test bool parsing", "test verbatim str parsing");

    /** The other tests of unit/protocol in redis 7.0.15: they must pass. */
    private static final List<String> EXPECTED = TclSuite.PROTOCOL_TESTS.stream().filter(t -> !SKIPPED.contains(t))
            .toList();

    private static TclSuite suite;

    @BeforeAll
    static void findTheSuite() throws Exception {
        suite = TclSuite.find();
    }

    private static Running start(Mode mode) throws Exception {
        var kv = RedisKv.create(new ExampleOptions("127.0.0.1", 0, mode, Map.of("worker_num", 2)));
        if (mode == Mode.PROCESS) {
            kv.workerEntry(RedisKv.class, "--mode", "process", "--port", "0", "--set", "worker_num=2");
        }
        return Running.start(kv);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void redisOwnProtocolTestsPassAgainstRedisKv(Mode mode) throws Exception {
        Assumptions.assumeTrue(suite.missing() == null, suite.missing());
        try (Running s = start(mode)) {
            String out = suite.runProtocol(s.port(), SKIPPED);
            System.out.println("unit/protocol against redis-kv in " + mode + " mode:\n" + out);
            assertThat(TclSuite.lines(out, "err")).as(out).isEmpty();
            assertThat(out).as(out).doesNotContain("[exception]").contains("All tests passed without errors");
            assertThat(TclSuite.lines(out, "skip")).as(out).containsExactlyInAnyOrderElementsOf(SKIPPED);
            assertThat(TclSuite.lines(out, "ok")).as(out).containsExactlyInAnyOrderElementsOf(EXPECTED);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void listsSetsAndTransactionsWithRedisCli(Mode mode) throws Exception {
        try (Running s = start(mode)) {
            String port = String.valueOf(s.port());
            cli(port, "flushall");
            assertThat(cli(port, "rpush", "l", "b", "c")).isEqualTo("2\n");
            assertThat(cli(port, "lpush", "l", "a")).isEqualTo("3\n");
            assertThat(cli(port, "lrange", "l", "0", "-1")).isEqualTo("a\nb\nc\n");
            assertThat(cli(port, "rpop", "l")).isEqualTo("c\n");
            assertThat(cli(port, "type", "l")).isEqualTo("list\n");
            assertThat(cli(port, "get", "l")).startsWith("WRONGTYPE");
            assertThat(cli(port, "sadd", "s", "x", "y", "x")).isEqualTo("2\n");
            assertThat(cli(port, "sismember", "s", "y")).isEqualTo("1\n");
            assertThat(cli(port, "srem", "s", "x", "y")).isEqualTo("2\n");
            assertThat(cli(port, "exists", "s")).isEqualTo("0\n"); // an empty set is no key, as in Redis
            // a list holds what fits in its row: a push beyond gets an error and changes nothing
            String big = "v".repeat(1000);
            for (int i = 0; i < 4; i++) {
                cli(port, "rpush", "full", big);
            }
            assertThat(cli(port, "rpush", "full", big)).startsWith("ERR list over this store's limit");
            assertThat(cli(port, "llen", "full")).isEqualTo("4\n");
            // BLPOP waits for a push from another connection (in PROCESS mode maybe another worker JVM)
            Process blpop = new ProcessBuilder("redis-cli", "-p", port, "blpop", "q", "5").redirectErrorStream(true)
                    .start();
            Thread.sleep(300);
            cli(port, "rpush", "q", "job");
            assertThat(blpop.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(blpop.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("q\njob\n");
            assertThat(cli(port, "blpop", "q", "0.1")).isEqualTo("\n");
            // one connection: MULTI, queued commands, EXEC
            String tx = pipe(port, "MULTI\r\nSET a 1\r\nINCR a\r\nLPUSH m z\r\nEXEC\r\nGET a\r\n");
            assertThat(tx).isEqualTo("OK\nQUEUED\nQUEUED\nQUEUED\nOK\n2\n1\n2\n"); // EXEC's array, flat (no tty)
            assertThat(pipe(port, "MULTI\r\nLLEN\r\nEXEC\r\n")).contains("EXECABORT");
            assertThat(cli(port, "exec")).startsWith("ERR EXEC without MULTI");
        }
    }

    private static String cli(String port, String... args) throws Exception {
        String[] command = new String[args.length + 3];
        command[0] = "redis-cli";
        command[1] = "-p";
        command[2] = port;
        System.arraycopy(args, 0, command, 3, args.length);
        return run(new ProcessBuilder(command));
    }

    /** Sends {@code commands} on one connection (redis-cli reading them from its stdin). */
    private static String pipe(String port, String commands) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("redis-cli", "-p", port);
        Process p = pb.redirectErrorStream(true).start();
        p.getOutputStream().write(commands.replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    private static String run(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
