package io.jswoole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SIGTERM under wrk load (issue 23): the server drains and exits 0, and no request wrk sent is lost. Every
 * connection has a request in flight almost all the time, so each one's last answer must say
 * {@code Connection: close} (also when a worker thread or a worker JVM made it before the shutdown began) and a
 * request already on its way when the drain starts must still be read and answered. wrk counts a request that got
 * no whole answer as a read error (EOF) or a timeout; its connect and write errors are its reconnects once the
 * listener is closed, when nothing was sent.
 */
class DrainUnderLoadTest {
    private static final Pattern ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern DONE = Pattern.compile("(\\d+) requests in");

    @ParameterizedTest
    @ValueSource(strings = {"base", "thread", "process"})
    void noRequestIsLostAndTheServerExitsZero(String mode) throws Exception {
        int port = Launched.freePort();
        List<String> cmd = Launched.java();
        cmd.addAll(List.of(Main.class.getName(), "run", "http-hello", "--port", Integer.toString(port), "--mode",
                mode, "--set", "worker_num=2"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("CLASSPATH", Launched.classPath()); // PROCESS mode reads its command line back
        try (Launched app = Launched.start(pb, port)) {
            Process wrk = new ProcessBuilder("wrk", "-t1", "-c16", "-d6s", "http://127.0.0.1:" + port + "/")
                    .redirectErrorStream(true).start();
            Thread.sleep(2500); // under load
            int code = app.stop(30);
            assertThat(wrk.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String report = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(code).as("the exit code after SIGTERM\n" + app.log()).isZero();
            Matcher done = DONE.matcher(report);
            assertThat(done.find()).as(report).isTrue();
            assertThat(Long.parseLong(done.group(1))).as(report).isPositive();
            assertThat(report).as("every answer was a 200").doesNotContain("Non-2xx");
            Matcher errors = ERRORS.matcher(report);
            if (errors.find()) { // wrk prints the line only when some error happened
                assertThat(errors.group(2)).as("requests without a whole answer\n" + report).isEqualTo("0");
                assertThat(errors.group(4)).as("requests without any answer\n" + report).isEqualTo("0");
            }
            assertThat(app.output()).as(app.log()).anyMatch(l -> l.contains("server stopped"));
        }
    }
}
