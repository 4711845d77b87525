package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Http2Client} against jswoole's own HTTP/2 server ({@link H2App}: h2c, and h2 over TLS verified against
 * the test CA), BASE and PROCESS, against nghttpd over TLS, and against Netty's own HTTP/2 server
 * ({@link NettyH2Peer}: RST_STREAM, GOAWAY in the middle of a response).
 */
class Http2ClientTest {
    @TempDir
    static Path dir;
    private static Running base;

    @BeforeAll
    static void start() throws Exception {
        TlsCerts.create(dir);
        base = Running.start(H2App.create(Mode.BASE, dir));
    }

    @AfterAll
    static void stop() throws Exception {
        base.close();
    }

    private static int tlsPort(Running s) {
        return s.server.ports().get(1).port();
    }

    private static Http2Client h2(Running s) {
        Http2Client c = new Http2Client("127.0.0.1", tlsPort(s), true);
        c.set(Map.of("ssl_cafile", dir.resolve("ca.pem").toString()));
        return c;
    }

    /** 100 coroutines each send one request on the same client: one connection, every answer its own. */
    static void hundredStreamsOnOneConnection(Http2Client c, String protocol) {
        Map<Integer, String> got = new ConcurrentHashMap<>();
        Coroutine.run(() -> {
            for (int i = 0; i < 100; i++) {
                int n = i;
                Coroutine.go(() -> {
                    Http2Response r = c.request(Http2Request.get("/hello?i=" + n));
                    got.put(n, r.statusCode() + " " + r.body() + r.errMsg());
                });
            }
        });
        assertThat(got).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(got.get(i)).isEqualTo("200 hello " + i + " over " + protocol);
        }
        assertThat(c.stats()).containsEntry("connections", 1).containsEntry("active_stream_num", 0);
        assertThat((int) c.stats().get("current_stream_id")).isOdd().isGreaterThanOrEqualTo(199);
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "PROCESS"})
    void hundredConcurrentStreamsOverH2cAndH2(Mode mode) throws Exception {
        try (Running s = mode == Mode.BASE ? null : Running.start(H2App.create(mode, dir))) {
            Running srv = s == null ? base : s;
            try (Http2Client c = new Http2Client("127.0.0.1", srv.port())) {
                hundredStreamsOnOneConnection(c, "HTTP/2");
                assertThat(c.stats()).containsEntry("protocol", "h2c");
            }
            try (Http2Client c = h2(srv)) {
                hundredStreamsOnOneConnection(c, "HTTP/2");
                assertThat(c.stats()).containsEntry("protocol", "h2");
                assertThat((Map<?, ?>) c.stats().get("remote_settings")).isNotEmpty();
            }
        }
    }

    @Test
    void largeBodiesBothWaysAndHeadersCookiesTrailers() {
        byte[] big = new byte[12 << 20];
        new Random(7).nextBytes(big);
        try (Http2Client c = h2(base)) {
            Http2Response r = c.request(Http2Request.post("/echo", big));
            assertThat(r.statusCode()).as(r.errMsg()).isEqualTo(200);
            assertThat(r.data()).isEqualTo(big);
            assertThat(r.header("Content-Type")).isEqualTo("application/octet-stream");
            Http2Request cookie = Http2Request.get("/cookie");
            cookie.cookies.put("c", "42");
            r = c.request(cookie);
            assertThat(r.body()).isEqualTo("cookie c=42");
            assertThat(r.cookies()).containsEntry("s", "v1");
            r = c.request(Http2Request.get("/stream"));
            assertThat(r.body()).isEqualTo("part0\npart1\npart2\n");
            assertThat(r.trailer("x-checksum")).isEqualTo("abc123");
            assertThat(c.request(Http2Request.get("/nothing")).statusCode()).isEqualTo(404);
            assertThat(c.stats()).containsEntry("connections", 1);
        }
    }

    /** A response read as it arrives; a request body written in pieces; back-pressure keeps a slow reader bounded. */
    @Test
    void streamingBothWays() {
        try (Http2Client c = new Http2Client("127.0.0.1", base.port())) {
            Http2Stream s = c.open(Http2Request.get("/stream"));
            assertThat(s.headers(5).statusCode()).isEqualTo(200);
            List<String> pieces = new ArrayList<>();
            for (byte[] b; (b = s.read(5)) != null && b.length > 0; ) {
                pieces.add(new String(b));
            }
            assertThat(String.join("", pieces)).isEqualTo("part0\npart1\npart2\n");
            assertThat(pieces.size()).as("pieces as they came, 50 ms apart").isGreaterThanOrEqualTo(3);
            assertThat(s.trailers()).containsEntry("x-checksum", List.of("abc123"));

            Http2Request up = new Http2Request();
            up.path = "/echo";
            up.pipeline = true;
            Http2Stream w = c.open(up);
            for (int i = 0; i < 10; i++) {
                assertThat(w.write(("piece" + i + ";").getBytes(), i == 9)).isTrue();
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (byte[] b; (b = w.read(5)) != null && b.length > 0; ) {
                all.writeBytes(b);
            }
            assertThat(all.toString()).startsWith("piece0;piece1;").endsWith("piece9;");

            Http2Stream slow = c.open(Http2Request.get("/big?n=6"));
            assertThat(slow.headers(5).statusCode()).isEqualTo(200);
            Coroutine.sleep(0.5); // the server writes 6 MiB meanwhile; the windows hold it back
            long total = 0;
            for (byte[] b; (b = slow.read(5)) != null && b.length > 0; ) {
                total += b.length;
            }
            assertThat(slow.errMsg()).isEmpty();
            assertThat(total).isEqualTo(6L << 20);
        }
    }

    @Test
    void swooleSendWriteRecv() {
        try (Http2Client c = new Http2Client("127.0.0.1", base.port())) {
            assertThat(c.connect()).isTrue();
            int a = c.send(Http2Request.get("/hello?i=a"));
            Http2Request p = new Http2Request();
            p.path = "/echo";
            p.pipeline = true;
            int b = c.send(p);
            assertThat(a % 2).isEqualTo(1);
            assertThat(b).isEqualTo(a + 2);
            assertThat(c.isStreamExist(b)).isTrue();
            assertThat(c.write(b, "one,", false)).isTrue();
            assertThat(c.write(b, "two", true)).isTrue();
            Map<Integer, String> got = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                Http2Response r = c.recv(5);
                got.put(r.streamId(), r.body());
            }
            assertThat(got).containsEntry(a, "hello a over HTTP/2").containsEntry(b, "one,two");
            assertThat(c.isStreamExist(b)).isFalse();
            assertThat(c.recv(0.1)).isNull();
            assertThat(c.errCode()).isEqualTo(Client.ETIMEDOUT);
            assertThat(c.ping(2)).isTrue();
        }
    }

    @Test
    void aServerGoawayMakesTheNextRequestConnectAgain() {
        try (Http2Client c = new Http2Client("127.0.0.1", base.port())) {
            assertThat(c.request(Http2Request.get("/goaway")).body()).isEqualTo("goaway sent");
            Http2Response r = c.request(Http2Request.get("/hello?i=2"));
            assertThat(r.body()).isEqualTo("hello 2 over HTTP/2");
            assertThat(c.stats()).containsEntry("connections", 2);
        }
    }

    @Test
    void tlsIsVerified() {
        try (Http2Client c = new Http2Client("127.0.0.1", tlsPort(base), true)) {
            Http2Response r = c.request(Http2Request.get("/hello?i=1"));
            assertThat(r.statusCode()).isEqualTo(-1);
            assertThat(r.errCode()).isEqualTo(Client.SSL_VERIFY_FAILED);
            assertThat(r.errMsg()).startsWith("SSL verify failed");
        }
        try (Http2Client c = new Http2Client("127.0.0.1", tlsPort(base), true)) {
            c.set(Map.of("ssl_cafile", dir.resolve("ca.pem").toString(), "ssl_host_name", "a.test"));
            Http2Response r = c.request(Http2Request.get("/hello?i=1"));
            assertThat(r.errCode()).as(r.errMsg()).isEqualTo(Client.SSL_VERIFY_FAILED);
        }
        try (Http2Client c = new Http2Client("127.0.0.1", tlsPort(base), true)) {
            c.set(Map.of("ssl_verify_peer", false));
            Http2Response r = c.request(Http2Request.get("/hello?i=1"));
            assertThat(r.body()).as(r.errMsg()).isEqualTo("hello 1 over HTTP/2");
        }
    }

    @Test
    void failuresAreClear() throws Exception {
        int closed;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0)) {
            closed = ss.getLocalPort();
        }
        try (Http2Client c = new Http2Client("127.0.0.1", closed)) {
            Http2Response r = c.request(Http2Request.get("/"));
            assertThat(r.statusCode()).isEqualTo(-1);
            assertThat(r.errCode()).isEqualTo(Client.ECONNREFUSED);
            assertThat(c.connect()).isFalse();
        }
        // a TLS server without HTTP/2: ALPN gives http/1.1
        io.jswoole.http.HttpServer h1 = new io.jswoole.http.HttpServer("127.0.0.1", 0, Mode.BASE,
                io.jswoole.server.SockType.TCP, io.jswoole.server.SockType.SSL);
        h1.set(Map.of("worker_num", 1, "ssl_cert_file", dir.resolve("server.pem").toString(),
                "ssl_key_file", dir.resolve("server.key").toString()));
        h1.onRequest((req, res) -> res.end("h1"));
        try (Running s = Running.start(h1); Http2Client c = new Http2Client("127.0.0.1", s.port(), true)) {
            c.set(Map.of("ssl_cafile", dir.resolve("ca.pem").toString()));
            Http2Response r = c.request(Http2Request.get("/"));
            assertThat(r.errCode()).isEqualTo(Http2Client.EPROTO);
            assertThat(r.errMsg()).contains("did not choose h2 by ALPN");
        }
    }

    @Test
    void settingsAreCheckedByName() {
        Http2Client c = new Http2Client("127.0.0.1", 1);
        assertThatThrownBy(() -> c.set(Map.of("keep_alive", true))).hasMessageContaining("'keep_alive'");
        assertThatThrownBy(() -> c.set(Map.of("http2_max_frame_size", 100))).hasMessageContaining(
                "'http2_max_frame_size' must be an integer from 16384");
        assertThatThrownBy(() -> c.set(Map.of("http2_enable_push", true))).hasMessageContaining("refuses pushed");
        assertThatThrownBy(() -> c.set(Map.of("ssl_cafile", "/x"))).hasMessageContaining("needs TLS");
        assertThatThrownBy(() -> c.set(Map.of("timeout", "5"))).hasMessageContaining("'timeout'");
        c.set(Map.of("http2_init_window_size", 1 << 20, "http2_max_concurrent_streams", 10, "timeout", 2.5));
        assertThat((Map<?, ?>) c.stats().get("local_settings")).isEmpty(); // not connected yet
    }

    /** Netty's own HTTP/2 server: RST_STREAM and GOAWAY in the middle of a response. */
    @Test
    void resetAndGoawayFromNettysServer() throws Exception {
        try (NettyH2Peer peer = new NettyH2Peer(); Http2Client c = new Http2Client("127.0.0.1", peer.port())) {
            hundredFrom(c);
            Http2Response r = c.request(Http2Request.get("/reset"));
            assertThat(r.statusCode()).isEqualTo(-3);
            assertThat(r.errCode()).isEqualTo(Client.ECONNRESET);
            assertThat(r.h2Error()).as(r.errMsg()).isEqualTo(11);
            assertThat(r.errMsg()).contains("RST_STREAM ENHANCE_YOUR_CALM");
            assertThat(c.request(Http2Request.get("/after-reset")).body()).isEqualTo("netty /after-reset");

            c.set(Map.of("timeout", 0.3));
            r = c.request(Http2Request.get("/never"));
            assertThat(r.statusCode()).isEqualTo(-2);
            assertThat(r.errCode()).isEqualTo(Client.ETIMEDOUT);
            assertThat(r.errMsg()).contains("timed out");
            assertThat(c.request(Http2Request.get("/same-connection")).body()).isEqualTo("netty /same-connection");
            assertThat(c.stats()).containsEntry("connections", 1).containsEntry("active_stream_num", 0);
            c.set(Map.of("timeout", 5));

            Http2Stream s = c.open(Http2Request.get("/goaway-mid"));
            assertThat(s.headers(5).statusCode()).isEqualTo(200);
            assertThat(new String(s.read(5))).isEqualTo("partial");
            assertThat(s.read(5)).isNull();
            assertThat(s.errCode()).isEqualTo(Client.ECONNRESET);
            assertThat(s.errMsg()).contains("ended before its response did").contains("GOAWAY")
                    .contains("maintenance");
            r = c.request(Http2Request.get("/again"));
            assertThat(r.body()).isEqualTo("netty /again");
            assertThat(c.stats()).containsEntry("connections", 2);

            byte[] big = new byte[5 << 20];
            new Random(3).nextBytes(big);
            assertThat(c.request(Http2Request.post("/echo", big)).data()).isEqualTo(big);
        }
    }

    /** nghttpd (nghttp2's server) over TLS: verified against the CA, 100 streams at once, a large download. */
    @Test
    void againstNghttpdOverTls() throws Exception {
        Path docs = java.nio.file.Files.createDirectories(dir.resolve("docs"));
        java.nio.file.Files.writeString(docs.resolve("index.html"), "hello from nghttpd");
        byte[] big = new byte[8 << 20];
        new Random(11).nextBytes(big);
        java.nio.file.Files.write(docs.resolve("big.bin"), big);
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process p = new ProcessBuilder("nghttpd", "-d", docs.toString(), "-a", "127.0.0.1", String.valueOf(port),
                dir.resolve("server.key").toString(), dir.resolve("server.pem").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("nghttpd.log").toFile()).start();
        try (Http2Client c = new Http2Client("127.0.0.1", port, true)) {
            c.set(Map.of("ssl_cafile", dir.resolve("ca.pem").toString()));
            assertThat(Running.eventually(c::connect)).as(c.errMsg()).isTrue();
            Map<Integer, String> got = new ConcurrentHashMap<>();
            Coroutine.run(() -> {
                for (int i = 0; i < 100; i++) {
                    int n = i;
                    Coroutine.go(() -> {
                        Http2Response r = c.request(Http2Request.get("/index.html"));
                        got.put(n, r.statusCode() + " " + r.body());
                    });
                }
            });
            assertThat(got.values()).hasSize(100).containsOnly("200 hello from nghttpd");
            assertThat(c.request(Http2Request.get("/big.bin")).data()).isEqualTo(big);
            assertThat(c.stats()).containsEntry("connections", 1).containsEntry("protocol", "h2");
            assertThat(c.request(Http2Request.get("/missing")).statusCode()).isEqualTo(404);
        } finally {
            p.destroy();
            p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        try (Http2Client c = new Http2Client("127.0.0.1", port, true)) { // nghttpd is gone: refused
            assertThat(c.request(Http2Request.get("/")).errCode()).isEqualTo(Client.ECONNREFUSED);
        }
    }

    /**
     * A server that takes no stream: it answers the preface with SETTINGS, then GOAWAY with last stream id 0 once
     * requests arrived (a raw socket: Netty's server never sends a last stream id below the streams it saw).
     * Every stream in flight fails at once, naming the GOAWAY; the next request connects again.
     */
    @Test
    void streamsTheServerDidNotTakeFailAtOnceOnGoaway() throws Exception {
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().daemon().start(() -> {
                while (!ss.isClosed()) {
                    try (java.net.Socket s = ss.accept()) {
                        var out = s.getOutputStream();
                        out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // SETTINGS, empty
                        s.getInputStream().readNBytes(24 + 9 + 50); // the preface, SETTINGS, some HEADERS
                        Thread.sleep(200);
                        byte[] debug = "overloaded".getBytes();
                        java.io.ByteArrayOutputStream f = new java.io.ByteArrayOutputStream();
                        f.write(new byte[] {0, 0, (byte) (8 + debug.length), 7, 0, 0, 0, 0, 0});
                        f.write(new byte[] {0, 0, 0, 0, 0, 0, 0, 11}); // last stream 0, ENHANCE_YOUR_CALM
                        f.write(debug);
                        out.write(f.toByteArray());
                        out.flush();
                        Thread.sleep(1000);
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            try (Http2Client c = new Http2Client("127.0.0.1", ss.getLocalPort())) {
                List<Http2Response> got = java.util.Collections.synchronizedList(new ArrayList<>());
                long t0 = System.nanoTime();
                Coroutine.run(() -> {
                    for (int i = 0; i < 3; i++) {
                        Coroutine.go(() -> got.add(c.request(Http2Request.get("/"))));
                    }
                });
                assertThat((System.nanoTime() - t0) / 1e9).as("failed at the GOAWAY, not at the timeout")
                        .isLessThan(2.0);
                assertThat(got).hasSize(3).allSatisfy(r -> {
                    assertThat(r.statusCode()).isEqualTo(-3);
                    assertThat(r.h2Error()).isEqualTo(11);
                    assertThat(r.errMsg()).contains("was not processed: the server sent GOAWAY (last stream 0, "
                            + "ENHANCE_YOUR_CALM, 'overloaded'); send it again");
                });
                assertThat(c.isConnected()).isFalse();
                c.request(Http2Request.get("/"));
                assertThat(c.stats()).containsEntry("connections", 2);
            }
            ss.close();
            server.join(3000);
        }
    }

    private static void hundredFrom(Http2Client c) {
        Map<Integer, String> got = new ConcurrentHashMap<>();
        Coroutine.run(() -> {
            for (int i = 0; i < 100; i++) {
                int n = i;
                Coroutine.go(() -> got.put(n, c.request(Http2Request.post("/echo", "body " + n)).body()));
            }
        });
        for (int i = 0; i < 100; i++) {
            assertThat(got.get(i)).isEqualTo("body " + i);
        }
        assertThat(c.stats()).containsEntry("connections", 1);
    }
}
