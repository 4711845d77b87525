package io.jswoole.http;

import static io.jswoole.http.H2Client.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stream whose handler fails, or whose worker JVM dies (PROCESS mode), is answered on that stream alone: 500 or
 * 503 when nothing went out yet, RST_STREAM INTERNAL_ERROR when its response had begun; the connection and its
 * other streams go on, as HTTP/1.1's connection does.
 */
class Http2ProcessModeTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa.create(dir);
        Files.write(dir.resolve("big.bin"), new byte[1024]);
    }

    private static void kill(long pid) {
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
        p.destroyForcibly();
        p.onExit().join();
    }

    private static String body(H2Client c, int stream) throws Exception {
        StringBuilder b = new StringBuilder();
        Frame f;
        while ((f = c.read()) != null) {
            if (f.type() == HEADERS) {
                c.decoded = c.decode(f);
            }
            if (f.type() == DATA && f.stream() == stream) {
                b.append(new String(f.payload(), StandardCharsets.UTF_8));
            }
            if (f.stream() == stream && (f.flags() & END_STREAM) != 0) {
                return b.toString();
            }
        }
        return null;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aHandlerThatFailsAnswersItsStreamOnly(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir)); H2Client c = new H2Client(s.port())) {
            c.headers(1, true, "GET", "/throw");
            c.flush();
            assertThat(c.status(1)).as("a handler that threw before answering").isEqualTo("500");
            c.headers(3, true, "GET", "/fail");
            c.flush();
            Frame rst = c.until(RST_STREAM, 3);
            assertThat(rst.int32(0)).as("INTERNAL_ERROR for a body cut short").isEqualTo(2);
            c.headers(5, true, "GET", "/hello");
            c.flush();
            assertThat(c.status(5)).isEqualTo("200");
        }
    }

    @Test
    void aWorkerJvmThatDiesAnswersItsStreams503OrResetsThemAndTheConnectionServesOn() throws Exception {
        try (Running s = Running.start(Http2App.create(Mode.PROCESS, dir, "worker_num=1"));
             H2Client c = new H2Client(s.port())) {
            c.headers(1, true, "GET", "/pid");
            c.flush();
            assertThat(c.status(1)).isEqualTo("200");
            long pid = Long.parseLong(body(c, 1));
            c.headers(3, true, "GET", "/sleep?s=60");
            c.headers(5, true, "GET", "/stall");
            c.flush();
            assertThat(c.status(5)).isEqualTo("200"); // its body has begun
            Thread.sleep(500);
            kill(pid);
            boolean got503 = false, gotReset = false;
            Frame f;
            while (!(got503 && gotReset) && (f = c.read()) != null) {
                if (f.type() == HEADERS && f.stream() == 3) {
                    got503 = c.decode(f).status().toString().equals("503");
                }
                if (f.type() == RST_STREAM && f.stream() == 5) {
                    gotReset = f.int32(0) == 2;
                }
            }
            assertThat(got503).as("the request the dead worker held: 503").isTrue();
            assertThat(gotReset).as("the response it had begun: RST_STREAM INTERNAL_ERROR").isTrue();
            c.headers(7, true, "GET", "/pid");
            c.flush();
            assertThat(c.status(7)).isEqualTo("200");
            assertThat(Long.parseLong(body(c, 7))).as("the replacement worker").isNotEqualTo(pid);
        }
    }
}
