package io.jswoole.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.http.HttpRecipe;
import io.jswoole.http.TestCa;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code wss://}: a WebSocketServer made with {@code SockType.SSL}, reached by the JDK's client. */
class WssTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa.create(dir);
    }

    /** An echo on a TLS WebSocket port, built in each worker JVM too. */
    static final class Echo implements HttpRecipe.WebSocket {
        @Override
        public Server create(String host, Mode mode, SockType type) {
            return new WebSocketServer(host, 0, mode, SockType.TCP, SockType.SSL);
        }

        @Override
        public void build(Server server, Probe probe) {
            ((WebSocketServer) server).onMessage((srv, f) -> srv.push(f.fd(), "echo: " + f.text()));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messagesTravelOverWss(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running sv = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "ssl_cert_file", dir.resolve("server.pem").toString(), "ssl_key_file",
                dir.resolve("server.key").toString()), Echo.class, probe))) {
            LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
            java.net.http.WebSocket ws = HttpClient.newBuilder().sslContext(TestCa.trusting(dir)).build()
                    .newWebSocketBuilder().buildAsync(URI.create("wss://localhost:" + sv.port() + "/chat"),
                            new java.net.http.WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data,
                                        boolean last) {
                                    got.add(data.toString());
                                    w.request(1);
                                    return CompletableFuture.completedFuture(null);
                                }
                            }).get(60, TimeUnit.SECONDS);
            ws.sendText("over tls", true).get(60, TimeUnit.SECONDS);
            assertThat(got.poll(60, TimeUnit.SECONDS)).isEqualTo("echo: over tls");
            ws.sendClose(1000, "bye").get(60, TimeUnit.SECONDS);
        }
    }
}
