package io.jswoole.websocket;

import static io.jswoole.server.Running.curl;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Running;
import io.jswoole.server.Mode;
import io.netty.util.internal.PlatformDependent;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The server a user gets from a JVM started with only the one flag the README requires
 * ({@code --add-opens java.base/java.lang=ALL-UNNAMED}): no Unsafe for Netty, no native access, no
 * {@code _JAVA_SR_SIGNUM}. Surefire's {@code bare-jvm} execution (http/pom.xml) runs this class alone, in such a
 * JVM; the default execution skips it. And a JVM with no flag at all refuses to start a server, naming the flag.
 */
class BareJvmTest {
    @BeforeAll
    static void runsInABareJvm() {
        assertThat(PlatformDependent.hasUnsafe()).as("Netty without sun.misc.Unsafe").isFalse();
        assertThat(System.getenv("_JAVA_SR_SIGNUM")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void httpPipelinedRequestsAndWebSocketEcho(Mode mode) throws Exception {
        try (Running s = Running.start(WsApp.create(mode))) {
            assertThat(curl(s.url("/hello"))).isEqualTo("plain http /hello");
            try (Socket c = s.connect()) {
                StringBuilder batch = new StringBuilder();
                StringBuilder expected = new StringBuilder();
                for (int i = 0; i < 50; i++) {
                    batch.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                    expected.append("plain http /r").append(i);
                }
                OutputStream out = c.getOutputStream();
                out.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                assertThat(bodies(c.getInputStream(), 50)).isEqualTo(expected.toString());
            }
            var frames = new LinkedBlockingQueue<String>();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/"), new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                frames.add(text.toString());
                                text.setLength(0);
                            }
                            w.request(1);
                            return CompletableFuture.completedFuture(null);
                        }
                    }).get(10, TimeUnit.SECONDS);
            assertThat(frames.poll(10, TimeUnit.SECONDS)).startsWith("welcome ");
            ws.sendText("hi there", true).get(10, TimeUnit.SECONDS);
            List<String> got = new ArrayList<>();
            got.add(frames.poll(10, TimeUnit.SECONDS));
            got.add(frames.poll(10, TimeUnit.SECONDS));
            assertThat(got).containsExactlyInAnyOrder("echo: hi there", "pushed from a thread");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        }
    }

    /** SIGUSR2 matters only to a server with task worker JVMs: no other server warns about it. */
    @Test
    void noWarningAboutSigusr2WithoutTaskWorkerJvms(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("server.log");
        WebSocketServer server = WsApp.create(Mode.BASE);
        server.set(java.util.Map.of("log_file", log.toString()));
        try (Running s = Running.start(server)) {
            assertThat(curl(s.url("/x"))).isEqualTo("plain http /x");
        }
        assertThat(Files.readString(log)).contains("server started").doesNotContain("SIGUSR2");
    }

    /** Without the flag, {@code start()} fails before binding anything, with one message naming the flag. */
    @Test
    void aJvmWithoutTheFlagRefusesToStartAndSaysWhichFlagToAdd() throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WsApp.class.getName()).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).contains("IllegalStateException: jswoole runs the coroutines of a worker one at a time")
                .contains("--add-opens java.base/java.lang=ALL-UNNAMED");
    }

    /** Reads {@code n} responses with Content-Length bodies; returns the bodies joined. */
    private static String bodies(InputStream in, int n) throws Exception {
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int length = -1;
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            assertThat(length).as("response " + i + " has a Content-Length").isNotNegative();
            all.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
        return all.toString();
    }

    private static String line(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            assertThat(b).as("connection open").isNotNegative();
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }
}
