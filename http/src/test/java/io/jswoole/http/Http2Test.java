package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTP/2 on an HttpServer in every mode, with the clients users have: curl (prior knowledge, the h2c upgrade, h2
 * over TLS), nghttp (trailers, PING), h2load and the JDK's HttpClient (h2c upgrade and h2 with ALPN, streams
 * multiplexed on one connection).
 */
class Http2Test {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificatesAndAFile() throws Exception {
        TestCa.create(dir);
        byte[] big = new byte[3 << 20];
        new Random(19).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Files.createDirectories(dir.resolve("static"));
        Files.writeString(dir.resolve("static/page.txt"), "0123456789".repeat(100));
    }

    static int tlsPort(Running s) {
        return s.server.ports().get(1).port();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void curlSpeaksH2cAndH2AndHttp11OnTheSamePorts(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir))) {
            String plain = "http://127.0.0.1:" + s.port();
            String tls = "https://127.0.0.1:" + tlsPort(s);
            assertThat(curl("--http2-prior-knowledge", plain + "/hello")).isEqualTo("hello over HTTP/2 stream 1 2");
            assertThat(curl("--http2", plain + "/hello")).as("Upgrade: h2c").isEqualTo("hello over HTTP/2 stream 1 2");
            assertThat(curl("-k", "--http2", tls + "/hello")).as("ALPN h2").isEqualTo("hello over HTTP/2 stream 1 2");
            assertThat(curl("--http1.1", plain + "/hello")).isEqualTo("hello over HTTP/1.1 stream 0 1.1");
            assertThat(curl("-k", "--http1.1", tls + "/hello")).isEqualTo("hello over HTTP/1.1 stream 0 1.1");
            // a body, a form and split cookies
            assertThat(curl("--http2-prior-knowledge", "--data-binary", "abc", plain + "/echo")).isEqualTo("abc 2");
            assertThat(curl("--http2-prior-knowledge", "-d", "a=1", "-H", "Cookie: c=3", "-H", "Cookie: d=4",
                    plain + "/form")).isEqualTo("a=1 cookie=3,4 2");
            // a file over h2c and h2
            for (String base : List.of(plain, tls)) {
                Path got = dir.resolve("got-" + mode + base.length());
                curl("-k", "--http2-prior-knowledge", "-o", got.toString(), base + "/file");
                assertThat(sha256(got)).as("sendfile over " + base).isEqualTo(sha256(dir.resolve("big.bin")));
            }
            assertThat(curl("--http2-prior-knowledge", plain + "/nothing")).isEqualTo("not found 2");
            // the static handler: a file, a range, compression
            assertThat(curl("-k", "--http2", tls + "/static/page.txt")).isEqualTo("0123456789".repeat(100) + " 2");
            assertThat(curl("--http2-prior-knowledge", "-r", "5-9", "-w", " %{http_version} %{http_code}",
                    plain + "/static/page.txt"))
                    .isEqualTo("56789 2 206");
            assertThat(curl("--http2-prior-knowledge", "--compressed", "-D", "-", plain + "/hello"))
                    .contains("content-encoding: gzip").endsWith("hello over HTTP/2 stream 1 2");
            // h2load: many streams on few connections, h2c and h2
            for (String base : List.of(plain, tls)) {
                String out = run("h2load", "-n", "4000", "-c", "4", "-m", "16", base + "/hello");
                assertThat(out).as(out).contains("4000 succeeded, 0 failed, 0 errored")
                        .contains("status codes: 4000 2xx");
            }
        }
    }

    /** A response detached on one stream is answered from another coroutine with Response.create. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void aDetachedStreamIsAnsweredByResponseCreate(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir))) {
            assertThat(curl("--http2-prior-knowledge", "http://127.0.0.1:" + s.port() + "/detach"))
                    .isEqualTo("answered later 2");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void trailersPingAndStreamingWriteReachNghttp(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir))) {
            String out = run("nghttp", "-nv", "http://127.0.0.1:" + s.port() + "/stream");
            assertThat(out).contains("x-checksum: abc123").contains("recv DATA frame");
            String body = run("nghttp", "http://127.0.0.1:" + s.port() + "/stream");
            assertThat(body).isEqualTo("part0\npart1\npart2\n");
            String ping = run("nghttp", "-v", "http://127.0.0.1:" + s.port() + "/ping");
            assertThat(ping).contains("ping true").contains("recv PING frame");
            String goaway = run("nghttp", "-v", "http://127.0.0.1:" + s.port() + "/goaway");
            assertThat(goaway).contains("goaway sent").contains("recv GOAWAY frame").contains("opaque_data(3)=[bye]");
            String tls = run("nghttp", "-v", "https://127.0.0.1:" + tlsPort(s) + "/hello");
            assertThat(tls).contains("hello over HTTP/2 stream 1").contains("h2");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void theJdkClientMultiplexesStreamsOverH2cAndH2(Mode mode) throws Exception {
        try (Running s = Running.start(Http2App.create(mode, dir))) {
            for (boolean secure : new boolean[] {false, true}) {
                HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2)
                        .connectTimeout(Duration.ofSeconds(10));
                if (secure) {
                    b.sslContext(TestCa.trusting(dir));
                }
                try (HttpClient client = b.build()) {
                    String base = secure ? "https://localhost:" + tlsPort(s) : "http://127.0.0.1:" + s.port();
                    HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(base + "/hello"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
                    assertThat(first.body()).startsWith("hello over HTTP/2 stream 1");
                    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 20; i++) {
                        all.add(client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/sleep?s=0.5")).build(),
                                HttpResponse.BodyHandlers.ofString()));
                    }
                    for (var f : all) {
                        HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
                        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
                        assertThat(r.body()).isEqualTo("slept");
                    }
                    assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("20 streams of 0.5 s, concurrently")
                            .isLessThan(Duration.ofSeconds(5));
                    HttpResponse<byte[]> post = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[200_000])).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    assertThat(post.body()).hasSize(200_000);
                }
            }
        }
    }

    /** A WebSocketServer is an HttpServer: with HTTP/2 on it serves h2c, and an HTTP/1.1 upgrade still works. */
    @org.junit.jupiter.api.Test
    void aWebSocketServerServesH2cAndStillUpgradesHttp11() throws Exception {
        var ws = new io.jswoole.websocket.WebSocketServer("127.0.0.1", 0);
        ws.set(java.util.Map.of("open_http2_protocol", true));
        ws.onRequest((req, res) -> res.end("plain " + req.server().get("server_protocol")));
        ws.onMessage((srv, f) -> srv.push(f.fd(), "echo " + f.text()));
        try (Running s = Running.start(ws)) {
            assertThat(curl("--http2-prior-knowledge", s.url("/"))).isEqualTo("plain HTTP/2 2");
            try (java.net.Socket c = s.connect()) {
                c.setSoTimeout(10_000);
                c.getOutputStream().write(("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                        .getBytes());
                StringBuilder h = new StringBuilder();
                while (!h.toString().endsWith("\r\n\r\n")) {
                    h.append((char) c.getInputStream().read());
                }
                String head = h.toString();
                assertThat(head).startsWith("HTTP/1.1 101");
                byte[] frame = {(byte) 0x81, (byte) 0x82, 1, 2, 3, 4, (byte) ('h' ^ 1), (byte) ('i' ^ 2)};
                c.getOutputStream().write(frame);
                byte[] got = Running.read(c, 9);
                assertThat(new String(got, 2, 7)).isEqualTo("echo hi");
            }
        }
    }

    static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-w", " %{http_version}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(70, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(cmd + ": " + err).isZero();
        return out.contains("-o") ? out : out;
    }

    static String run(String... cmd) throws Exception {
        return TestCa.run(dir, cmd);
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
