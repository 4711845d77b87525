package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code https://} on an HttpServer made with {@code SockType.SSL}, in every mode, with curl and openssl. */
class HttpsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificatesAndAFile() throws Exception {
        TestCa.create(dir);
        byte[] big = new byte[3 << 20];
        new Random(19).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
    }

    private static String run(String... cmd) throws Exception {
        return TestCa.run(dir, cmd);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void curlWithTheCaGetsTheAnswerAndASentFile(Mode mode) throws Exception {
        try (Running s = Running.start(HttpsApp.create(mode, dir))) {
            String base = "https://localhost:" + s.port();
            String ca = dir.resolve("ca.pem").toString();
            assertThat(curl("--cacert", ca, base + "/hello")).isEqualTo("hello over HTTP/1.1");
            Path got = dir.resolve("got-" + mode);
            curl("--cacert", ca, "-o", got.toString(), base + "/file");
            assertThat(sha256(got)).as("sendfile over TLS").isEqualTo(sha256(dir.resolve("big.bin")));
            String alpn = run("openssl", "s_client", "-connect", "127.0.0.1:" + s.port(), "-alpn", "h2,http/1.1");
            assertThat(alpn).contains("ALPN protocol: http/1.1");
            assertThat(s.server.stats()).as("BoringSSL (on the test class path) unless the JDK's is forced")
                    .containsEntry("ssl_provider", "jdk".equals(System.getProperty("jswoole.ssl_provider")) ? "jdk"
                            : "boringssl");
            Process plain = new ProcessBuilder("curl", "-sS", "--max-time", "60", "http://127.0.0.1:" + s.port()
                    + "/hello").redirectErrorStream(true).start();
            plain.getInputStream().readAllBytes();
            assertThat(plain.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(plain.exitValue()).as("plain HTTP on the TLS port fails").isNotZero();
            assertThat(curl("--cacert", ca, base + "/hello")).isEqualTo("hello over HTTP/1.1");
        }
    }

    /**
     * A 48 MiB file to a TLS client that reads nothing for a while: the connection holds a buffer of it, not all of
     * it (the whole file was read into buffers at once before). In this JVM (BASE), where the allocator is seen.
     */
    @org.junit.jupiter.api.Test
    void aLargeFileToAClientThatDoesNotReadIsNotReadIntoMemory() throws Exception {
        long size = 48L << 20;
        try (var f = java.nio.channels.FileChannel.open(dir.resolve("huge.bin"), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.WRITE)) {
            f.write(java.nio.ByteBuffer.wrap(new byte[] {1}), size - 1);
        }
        var metric = ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT)
                .metric();
        try (Running s = Running.start(HttpsApp.create(Mode.BASE, dir))) {
            var tls = TestCa.trusting(dir);
            long before = metric.usedDirectMemory();
            try (var c = (javax.net.ssl.SSLSocket) tls.getSocketFactory().createSocket()) {
                c.setReceiveBufferSize(8192);
                c.connect(new java.net.InetSocketAddress("127.0.0.1", s.port()), 5000);
                c.setSoTimeout(30_000);
                c.getOutputStream().write("GET /huge HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes());
                c.getOutputStream().flush();
                Thread.sleep(2000); // not reading: the server's writes stop at the socket's buffers
                long held = metric.usedDirectMemory() - before;
                assertThat(held).as("direct memory held while the client does not read").isLessThan(16L << 20);
                var is = c.getInputStream();
                byte[] buf = new byte[1 << 16];
                long got = 0;
                String head = null;
                StringBuilder h = new StringBuilder();
                int b;
                while ((b = is.read()) >= 0) { // the head, byte by byte
                    h.append((char) b);
                    if (h.toString().endsWith("\r\n\r\n")) {
                        head = h.toString();
                        break;
                    }
                }
                assertThat(head).startsWith("HTTP/1.1 200").contains("Content-Length: " + size);
                int n;
                while (got < size && (n = is.read(buf)) > 0) {
                    got += n;
                }
                assertThat(got).as("the whole file, after the pause").isEqualTo(size);
            }
        }
    }

    /**
     * curl with a minute to finish: a JVM's first TLS handshakes load and compile the JDK's TLS code, which takes
     * seconds on a busy machine (Running.curl allows 10).
     */
    private static String curl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(70, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(cmd + ": " + err).isZero();
        return out;
    }

    private static String sha256(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
