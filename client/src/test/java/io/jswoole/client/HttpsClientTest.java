package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.client.TlsCerts.SServer;
import io.jswoole.coroutine.Channel;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import io.jswoole.server.SockType;
import io.jswoole.websocket.WebSocketServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code https://} and {@code wss://} from {@link HttpClient}, {@link WebSocketClient} and a {@link ConnectionPool}
 * of them, against jswoole's own TLS WebSocketServer (which serves HTTP requests too), and SNI against
 * {@code openssl s_server -www}.
 */
class HttpsClientTest {
    @TempDir
    static Path dir;
    private static Running server;
    private static Running mtls;

    @BeforeAll
    static void servers() throws Exception {
        TlsCerts.create(dir);
        server = Running.start(app(Map.of()));
        mtls = Running.start(app(Map.of("ssl_verify_peer", true, "ssl_client_cert_file", file("ca.pem"))));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
        mtls.close();
    }

    /** {@code /port}: the client's port (one per connection); {@code /echo}: the method and body; ws: echo. */
    private static WebSocketServer app(Map<String, Object> tls) {
        WebSocketServer s = new WebSocketServer("127.0.0.1", 0, Mode.BASE, SockType.TCP, SockType.SSL);
        Map<String, Object> settings = new HashMap<>(Map.of("worker_num", 1, "ssl_cert_file", file("server.pem"),
                "ssl_key_file", file("server.key")));
        settings.putAll(tls);
        s.set(settings);
        s.onRequest((req, res) -> {
            switch (req.path()) {
                case "/port" -> res.end(String.valueOf(req.server().get("remote_port")));
                case "/echo" -> res.end(req.getMethod() + " " + req.getContent());
                default -> {
                    res.status(404);
                    res.end();
                }
            }
        });
        s.onMessage((srv, f) -> srv.push(f.fd(), "echo: " + f.text()));
        return s;
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static HttpClient https(Running s, Map<String, ?> settings) {
        HttpClient c = new HttpClient("127.0.0.1", s.port(), true);
        c.set(settings);
        return c;
    }

    @Test
    void getAndPostOverHttpsReuseOneConnection() {
        Coroutine.run(() -> {
            try (HttpClient c = https(server, Map.of("ssl_cafile", file("ca.pem")))) {
                assertThat(c.get("/port")).as(c.errCode() + " " + c.errMsg()).isTrue();
                assertThat(c.getStatusCode()).isEqualTo(200);
                String port = c.body();
                assertThat(c.post("/echo", "over tls".getBytes())).isTrue();
                assertThat(c.body()).isEqualTo("POST over tls");
                assertThat(c.post("/echo", Map.of("k", "v"))).isTrue();
                assertThat(c.body()).isEqualTo("POST k=v");
                assertThat(c.get("/port")).isTrue();
                assertThat(c.body()).as("keep-alive: the same TLS connection").isEqualTo(port);
                assertThat(c.getPeerCert()).startsWith("-----BEGIN CERTIFICATE-----");
            }
            try (HttpClient fresh = https(server, Map.of("ssl_cafile", file("ca.pem"), "keep_alive", false))) {
                assertThat(fresh.get("/port")).isTrue();
                String first = fresh.body();
                assertThat(fresh.get("/port")).isTrue();
                assertThat(fresh.body()).as("keep_alive false: a new connection").isNotEqualTo(first);
            }
        });
    }

    @Test
    void theServerIsVerifiedByDefault() {
        Coroutine.run(() -> {
            try (HttpClient c = new HttpClient("127.0.0.1", server.port(), true)) {
                assertThat(c.get("/port")).isFalse();
                assertThat(c.getStatusCode()).isEqualTo(-1);
                assertThat(c.errCode()).isEqualTo(Client.SSL_VERIFY_FAILED);
                assertThat(c.errMsg()).startsWith("SSL verify failed");
            }
            try (HttpClient c = https(server, Map.of("ssl_verify_peer", false))) {
                assertThat(c.get("/port")).isTrue();
            }
            try (HttpClient c = new HttpClient("localhost", server.port(), true)) {
                c.set(Map.of("ssl_cafile", file("ca.pem")));
                assertThat(c.get("/echo")).isTrue();
                assertThat(c.body()).isEqualTo("GET ");
            }
        });
    }

    @Test
    void sslHostNameIsCheckedAndAWrongOneRefused() {
        Coroutine.run(() -> {
            try (HttpClient c = https(server, Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "localhost"))) {
                assertThat(c.get("/port")).isTrue();
            }
            try (HttpClient c = https(server, Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "a.test"))) {
                assertThat(c.get("/port")).isFalse();
                assertThat(c.errCode()).isEqualTo(Client.SSL_VERIFY_FAILED);
                assertThat(c.errMsg()).contains("host name 'a.test' does not match");
            }
            HttpClient named = new HttpClient("localhost", server.port(), true);
            assertThatThrownBy(() -> named.set(Map.of("ssl_host_name", "a.test")))
                    .hasMessageContaining("ssl_host_name").hasMessageContaining("IP address");
            assertThatThrownBy(() -> new HttpClient("127.0.0.1", 1).set(Map.of("ssl_cafile", file("ca.pem"))))
                    .hasMessageContaining("ssl_cafile");
        });
    }

    @Test
    void sniReachesOpensslSServer() throws Exception {
        try (SServer s = new SServer(dir, "-cert", "server.pem", "-key", "server.key", "-servername", "a.test",
                "-cert2", "a.pem", "-key2", "a.key", "-servername_fatal", "-www")) {
            Coroutine.run(() -> {
                try (HttpClient c = new HttpClient("127.0.0.1", s.port(), true)) {
                    c.set(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "a.test", "keep_alive", false));
                    assertThat(c.get("/")).as(c.errCode() + " " + c.errMsg()).isTrue();
                    assertThat(c.getStatusCode()).isEqualTo(200);
                    assertThat(c.body()).contains("s_server");
                }
            });
        }
    }

    @Test
    void aSelfSignedServerIsRefusedUnlessAllowedOrTrusted() throws Exception {
        try (SServer s = new SServer(dir, "-cert", "self.pem", "-key", "self.key", "-www")) {
            Coroutine.run(() -> {
                try (HttpClient c = new HttpClient("127.0.0.1", s.port(), true)) {
                    assertThat(c.get("/")).isFalse();
                    assertThat(c.errCode()).isEqualTo(Client.SSL_VERIFY_FAILED);
                }
                for (Map<String, ?> trust : java.util.List.of(Map.of("ssl_allow_self_signed", true),
                        Map.of("ssl_cafile", file("self.pem")))) {
                    try (HttpClient c = new HttpClient("127.0.0.1", s.port(), true)) {
                        c.set(trust);
                        c.set(Map.of("keep_alive", false));
                        assertThat(c.get("/")).as(trust + ": " + c.errMsg()).isTrue();
                        assertThat(c.getStatusCode()).isEqualTo(200);
                    }
                }
            });
        }
    }

    @Test
    void aClientCertificateOpensTheMutualTlsServer() {
        Coroutine.run(() -> {
            try (HttpClient c = https(mtls, Map.of("ssl_cafile", file("ca.pem"), "ssl_cert_file",
                    file("client.pem"), "ssl_key_file", file("client.key")))) {
                assertThat(c.get("/port")).as(c.errCode() + " " + c.errMsg()).isTrue();
                assertThat(c.getStatusCode()).isEqualTo(200);
            }
            // TLSv1.3: the server judges the certificate after the client has sent its request, and its alert can be
            // lost to the reset of a close with that request unread: then the client sees a broken connection
            try (HttpClient c = https(mtls, Map.of("ssl_cafile", file("ca.pem")))) {
                assertThat(c.get("/port")).isFalse();
                assertThat(c.getStatusCode()).isLessThan(0);
                assertThat(c.errCode()).as(c.errMsg()).isIn(Client.SSL_HANDSHAKE_FAILED, Client.ECONNREFUSED);
            }
            try (HttpClient c = https(mtls, Map.of("ssl_cafile", file("ca.pem"), "ssl_cert_file", file("self.pem"),
                    "ssl_key_file", file("self.key")))) {
                assertThat(c.get("/port")).as("a certificate the server's CA did not sign").isFalse();
                assertThat(c.getStatusCode()).isLessThan(0);
                assertThat(c.errCode()).as(c.errMsg()).isIn(Client.SSL_HANDSHAKE_FAILED, Client.ECONNREFUSED);
            }
        });
    }

    @Test
    void aPoolOfHttpsClientsSharesItsConnections() {
        Set<String> ports = ConcurrentHashMap.newKeySet();
        Coroutine.run(() -> {
            try (ConnectionPool<HttpClient> pool = new ConnectionPool<>(() -> https(server,
                    Map.of("ssl_cafile", file("ca.pem"))), 2)) {
                Channel<Boolean> done = new Channel<>(8);
                for (int i = 0; i < 8; i++) {
                    Coroutine.go(() -> {
                        HttpClient c = pool.get(10);
                        boolean ok = c != null && c.get("/port");
                        if (ok) {
                            ports.add(c.body());
                            pool.put(c);
                        } else if (c != null) {
                            pool.discard(c);
                        }
                        done.push(ok);
                    });
                }
                Set<Boolean> results = new HashSet<>();
                for (int i = 0; i < 8; i++) {
                    results.add(done.pop(30));
                }
                assertThat(results).containsExactly(true);
                assertThat(pool.created()).isEqualTo(2);
            }
        });
        assertThat(ports).as("8 requests over the pool's 2 TLS connections").hasSize(2);
    }

    @Test
    void wssWithWebSocketClientAndTheHttpClientUpgrade() {
        Coroutine.run(() -> {
            String url = "wss://127.0.0.1:" + server.port() + "/chat";
            WebSocketClient ws = WebSocketClient.connect(url, Map.of(), 10, Map.of("ssl_cafile", file("ca.pem")));
            assertThat(ws.isConnected()).as(ws.errCode() + " " + ws.errMsg()).isTrue();
            assertThat(ws.push("hi")).isTrue();
            assertThat(ws.recv(10).text()).isEqualTo("echo: hi");
            ws.close();
            WebSocketClient refused = WebSocketClient.connect(url, Map.of(), 10);
            assertThat(refused.isConnected()).isFalse();
            assertThat(refused.errCode()).isEqualTo(Client.SSL_VERIFY_FAILED);
            assertThat(refused.errMsg()).startsWith("SSL verify failed");
            WebSocketClient wrong = WebSocketClient.connect(url, Map.of(), 10, Map.of("ssl_cafile", file("ca.pem"),
                    "ssl_host_name", "a.test"));
            assertThat(wrong.errCode()).isEqualTo(Client.SSL_VERIFY_FAILED);
            assertThatThrownBy(() -> WebSocketClient.connect("ws://127.0.0.1:" + server.port() + "/chat", Map.of(),
                    10, Map.of("ssl_cafile", file("ca.pem")))).hasMessageContaining("ssl_cafile");
            try (HttpClient c = https(server, Map.of("ssl_cafile", file("ca.pem")))) {
                assertThat(c.upgrade("/chat")).as(c.errCode() + " " + c.errMsg()).isTrue();
                assertThat(c.push("up")).isTrue();
                assertThat(c.recv(10).text()).isEqualTo("echo: up");
            }
        });
    }
}
