package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.log.Log;
import io.netty.util.internal.logging.InternalLoggerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jswoole's lines and Netty's go to one place in one format: Swoole's writer, or the application's backend. */
class LoggingTest {
    @TempDir
    Path tmp;

    @AfterEach
    void backToStderr() {
        Log.sink(null);
        Log.reset();
    }

    /** No backend: Netty's lines (which would go to java.util.logging's console) are Swoole's in log_file. */
    @Test
    void withoutABackendNettysLinesAreWrittenLikeSwoolesIntoLogFile() throws Exception {
        Path log = tmp.resolve("server.log");
        Server s = SharedModesTest.start(Mode.BASE, Map.of("worker_num", 1, "log_file", log.toString()));
        try (Running r = Running.start(s)) {
            InternalLoggerFactory.getInstance("io.netty.test.LoggingTest").warn("netty says {}", 42);
            InternalLoggerFactory.getInstance("io.netty.test.LoggingTest").debug("below log_level");
        }
        String text = Files.readString(log);
        assertThat(text).contains("\tINFO\tserver started")
                .containsPattern("\\[\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d #\\d+\\.[^\\]]+\\]\\tWARNING\\t"
                        + "io\\.netty\\.test\\.LoggingTest: netty says 42\n")
                .doesNotContain("below log_level");
    }

    /** SLF4J on the class path: Netty logs there, and jswoole follows it (slf4j-simple's format on stderr). */
    @Test
    void withSlf4jBothGoToSlf4j() throws Exception {
        List<String> jars = new ArrayList<>();
        try (Stream<Path> s = Files.list(Paths.get(System.getProperty("slf4j.dir")))) {
            s.forEach(p -> jars.add(p.toString()));
        }
        String out = run(String.join(":", jars));
        assertThat(out).contains("INFO io.jswoole - server started")
                .contains("WARN io.netty.test.LogApp - netty says 42")
                .contains("WARN io.jswoole - jswoole says 43")
                .doesNotContain("\tWARNING\t");
    }

    /** A System.LoggerFinder of the application's own takes jswoole's lines, Netty's among them. */
    @Test
    void withALoggerFinderOfTheApplicationsOwnBothGoThere() throws Exception {
        Path services = Files.createDirectories(tmp.resolve("finder/META-INF/services"));
        Files.writeString(services.resolve("java.lang.System$LoggerFinder"), CapturingLoggerFinder.class.getName());
        String out = run(tmp.resolve("finder").toString());
        assertThat(out).contains("CAPTURED io.jswoole INFO server started")
                .contains("CAPTURED io.jswoole WARNING io.netty.test.LogApp: netty says 42")
                .contains("CAPTURED io.jswoole WARNING jswoole says 43")
                .doesNotContain("\tWARNING\t");
    }

    /** Runs {@link LogApp} with {@code extra} on its class path; returns stdout and stderr. */
    private static String run(String extra) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path") + ":" + extra;
        Process p = new ProcessBuilder(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", cp,
                LogApp.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}
