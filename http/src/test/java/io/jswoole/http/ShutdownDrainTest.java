package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A graceful shutdown: requests in progress are answered, then connections close; WebSockets hear 1001. */
class ShutdownDrainTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aRequestInProgressWhenTheServerStopsGetsItsAnswerThenTheConnectionCloses(Mode mode) throws Exception {
        Running s = Running.start(HttpApp.create(mode, tmp, Map.of("worker_num", 1)));
        int port = s.port();
        try (Socket slow = s.connect(); Socket idle = s.connect()) {
            slow.setSoTimeout(10_000);
            idle.setSoTimeout(10_000);
            idle.getOutputStream().write("GET /pid HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
            assertThat(HttpServerTest.readUntil(idle.getInputStream(), "\r\n\r\n", 1)).startsWith("HTTP/1.1 200");
            slow.getOutputStream().write("GET /sleep?ms=1500 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
            Thread.sleep(300); // the handler sleeps
            long t0 = System.nanoTime();
            s.server.shutdown();
            String answer = Running.readUntilClose(slow);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("slept=1500;");
            // also from a worker JVM, which does not know of the master's shutdown when it answers
            assertThat(answer).containsIgnoringCase("connection: close");
            assertThat(Running.readUntilClose(idle)).as("the idle keep-alive connection closes").doesNotContain("<timeout>");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(8_000);
            assertThatThrownBy(() -> {
                try (Socket late = new Socket()) {
                    late.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                }
            }).as("no new connection once the shutdown began").isInstanceOf(IOException.class);
        } finally {
            s.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aWebSocketClientHearsGoingAwayWhenTheServerStops(Mode mode) throws Exception {
        Running s = Running.start(io.jswoole.websocket.WsAppAccess.create(mode));
        try {
            CompletableFuture<Integer> closed = new CompletableFuture<>();
            CompletableFuture<String> welcome = new CompletableFuture<>();
            HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + s.port() + "/"), new java.net.http.WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
                            welcome.complete(data.toString());
                            w.request(1);
                            return null;
                        }

                        @Override
                        public CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
                            closed.complete(code);
                            return null;
                        }
                    }).get(5, TimeUnit.SECONDS);
            assertThat(welcome.get(5, TimeUnit.SECONDS)).startsWith("welcome ");
            s.server.shutdown();
            assertThat(closed.get(8, TimeUnit.SECONDS)).isEqualTo(1001);
        } finally {
            s.close();
        }
    }
}
