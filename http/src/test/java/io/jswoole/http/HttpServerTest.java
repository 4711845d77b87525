package io.jswoole.http;

import static io.jswoole.server.Running.curl;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Request and Response API through curl and raw sockets, in the three modes. */
class HttpServerTest {
    @TempDir
    Path tmp;

    private HttpServer server(Mode mode) {
        return HttpApp.create(mode, tmp, Map.of());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void requestFields(Mode mode) throws Exception {
        try (Running s = Running.start(server(mode))) {
            String out = curl("-A", "ua/1", "-H", "X-Test: yes", "-b", "k1=v1; k2=v%202",
                    s.url("/info?a=1&b=x%20y&a=2"));
            // cookie values URL-decoded, as PHP and Swoole decode them
            assertThat(out).contains("method=GET", "get={a=2, b=x y}", "cookie={k1=v1, k2=v 2}", "ua=ua/1",
                    "x=yes", "uri=/info", "qs=a=1&b=x%20y&a=2", "proto=HTTP/1.1", "addr=127.0.0.1",
                    "port=" + s.port());
            assertThat(curl("-d", "name=J%C3%B6rg&n=2", s.url("/post"))).isEqualTo("post={n=2, name=Jörg} raw=18");
            assertThat(curl("-H", "Content-Type: application/json", "--data-binary", "{\"a\":1}", s.url("/echo")))
                    .isEqualTo("{\"a\":1}");
            assertThat(curl("-X", "PUT", "--data-binary", "zz", s.url("/data")))
                    .startsWith("PUT /data HTTP/1.1\r\n").contains("\r\n\r\nzz");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void uploadsLandInUploadTmpDirAndAreRemovedAfterTheRequest(Mode mode) throws Exception {
        Path file = tmp.resolve("up.bin");
        Files.write(file, new byte[100_000]);
        try (Running s = Running.start(server(mode))) {
            String out = curl("-F", "title=hello", "-F", "doc=@" + file + ";type=application/x-test",
                    s.url("/upload"));
            assertThat(out).startsWith("post={title=hello} doc:up.bin:100000:application/x-test:0 tmp=")
                    .endsWith(" exists=true");
            String tmpName = out.replaceAll(".* tmp=(\\S+) exists=true", "$1");
            assertThat(tmpName).startsWith(tmp.resolve("up").toString());
            assertThat(Running.eventually(() -> !Files.exists(Path.of(tmpName)))).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void responseFeatures(Mode mode) throws Exception {
        Files.writeString(tmp.resolve("f.txt"), "0123456789");
        try (Running s = Running.start(server(mode))) {
            String status = curl("-i", s.url("/status"));
            assertThat(status).startsWith("HTTP/1.1 418 I'm a teapot").contains("X-Custom-Header: v1")
                    // the handler sets expires to now + 3600 s; Max-Age is counted when the response is written, a
                    // second later if a second boundary passed in between
                    // Swoole's attribute names, in Swoole's case (swoole_http_cookie.cc)
                    .containsPattern("Set-Cookie: session=a%20b%3Bc; expires=[^;]+; Max-Age=(3600|359\\d); path=/; "
                            + "secure; HttpOnly; SameSite=Strict; Priority=High\r\n")
                    .containsPattern("(?i)set-cookie: raw=x%20y\r\n").endsWith("teapot");
            String chunked = curl("-i", s.url("/chunked"));
            assertThat(chunked).containsIgnoringCase("transfer-encoding: chunked").endsWith("part1,part2,end");
            assertThat(curl(s.url("/file"))).isEqualTo("23456");
            assertThat(curl("-i", s.url("/redirect"))).startsWith("HTTP/1.1 301").contains("Location: /info");
            String err = curl("-i", s.url("/throw"));
            assertThat(err).startsWith("HTTP/1.1 500").doesNotContain("secret", "Exception", "at io.");
            assertThat(curl(s.url("/detach"))).isEqualTo("from another thread, writable=true");
            assertThat(curl(s.url("/task-answer"))).isEqualTo("answered by a task worker: true");
            String big = curl("-i", "--compressed", s.url("/big"));
            assertThat(big).containsIgnoringCase("content-encoding: gzip").endsWith("x".repeat(5000));
            assertThat(curl("-i", "--compressed", s.url("/missing"))).startsWith("HTTP/1.1 404")
                    .doesNotContainIgnoringCase("content-encoding");
            try (Socket c = s.connect()) {
                c.getOutputStream().write("GET /trailer HTTP/1.1\r\nHost: a\r\nTE: trailers\r\n\r\n".getBytes());
                String raw = readUntil(c.getInputStream(), "\r\n\r\n", 2);
                assertThat(raw).contains("4\r\nbody\r\n0\r\nx-checksum: abc\r\n\r\n");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void keepAlivePipeliningInOrderAndExpectContinue(Mode mode) throws Exception {
        try (Running s = Running.start(server(mode))) {
            String two = curl(s.url("/info"), s.url("/info"));
            String[] fds = two.replaceAll(".*?fd=(\\d+)", "$1 ").trim().split(" ");
            assertThat(fds).hasSize(2);
            assertThat(fds[0]).as("one keep-alive connection").isEqualTo(fds[1]);
            try (Socket c = s.connect()) {
                c.getOutputStream().write(("GET /sleep?ms=300 HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "GET /sleep?ms=1 HTTP/1.1\r\nHost: a\r\n\r\n"
                        + "GET /sleep?ms=100 HTTP/1.1\r\nHost: a\r\n\r\n").getBytes());
                String all = readUntil(c.getInputStream(), "slept=", 3);
                assertThat(all.indexOf("slept=300;")).isNotNegative().isLessThan(all.indexOf("slept=1;"));
                assertThat(all.indexOf("slept=1;")).isLessThan(all.indexOf("slept=100;"));
                c.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                        + "Expect: 100-continue\r\n\r\n").getBytes());
                assertThat(readUntil(c.getInputStream(), "\r\n\r\n", 1)).startsWith("HTTP/1.1 100 Continue");
                c.getOutputStream().write("hello".getBytes());
                assertThat(readUntil(c.getInputStream(), "hello", 1)).startsWith("HTTP/1.1 200");
            }
        }
    }

    /** Answers "ok", after 500 ms for /slow; each request it starts is a "running" probe entry. */
    static final class Limits implements HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                probe.add("running");
                if (req.path().equals("/slow")) {
                    Coroutine.sleep(0.5);
                }
                res.end("ok");
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void limitsAnswer413And503(Mode mode) throws Exception {
        Map<String, Object> settings = Map.of("worker_num", 1, "package_max_length", 1000, "max_concurrency", 1);
        try (Probe probe = Probe.create(); Running s = Running.start(Recipe.server(mode, settings, Limits.class,
                probe))) {
            assertThat(s.exchangeUntilClose("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n"))
                    .startsWith("HTTP/1.1 413");
            Thread slow = Thread.ofPlatform().start(() -> {
                try {
                    curl(s.url("/slow"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(Running.eventually(() -> probe.count("running") == 1)).isTrue();
            assertThat(curl("-i", s.url("/fast"))).startsWith("HTTP/1.1 503");
            slow.join();
            assertThat(curl(s.url("/fast"))).isEqualTo("ok");
        }
    }

    @ParameterizedTest // BASE: a connection's requests all run on its own reactor, there is no worker to choose
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void roundRobinWorkersStillAnswerInOrderAndHttp10KeepAliveIsHonoured(Mode mode) throws Exception {
        try (Running s = Running.start(HttpApp.create(mode, tmp, Map.of("worker_num", 3, "dispatch_mode", 1)))) {
            try (Socket c = s.connect()) {
                StringBuilder sb = new StringBuilder();
                for (int ms : new int[] {120, 0, 60, 0, 30, 0}) {
                    sb.append("GET /sleep?ms=").append(ms).append(" HTTP/1.1\r\nHost: a\r\n\r\n");
                }
                c.getOutputStream().write(sb.toString().getBytes());
                String all = readUntil(c.getInputStream(), "slept=", 6);
                assertThat(all.replaceAll("(?s).*?slept=(\\d+);", "$1 ").trim()).isEqualTo("120 0 60 0 30 0");
            }
            try (Socket c = s.connect()) {
                c.getOutputStream().write("GET /sleep?ms=0 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes());
                assertThat(readUntil(c.getInputStream(), "slept=", 1)).containsIgnoringCase("connection: keep-alive");
                c.getOutputStream().write("GET /sleep?ms=1 HTTP/1.0\r\n\r\n".getBytes());
                String last = Running.readUntilClose(c);
                assertThat(last).contains("slept=1;").doesNotContain("<timeout>");
            }
        }
    }

    /** Reads until {@code marker} was seen {@code times} times (or the socket times out). */
    static String readUntil(InputStream in, String marker, int times) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (count(sb, marker) < times) {
            int n = in.read(buf);
            if (n < 0) {
                break;
            }
            sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    private static int count(CharSequence s, String m) {
        int c = 0;
        for (int i = s.toString().indexOf(m); i >= 0; i = s.toString().indexOf(m, i + 1)) {
            c++;
        }
        return c;
    }
}
