package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code open_http2_protocol} per port ({@link Http2PortsApp}): an HTTP/1.1-only TLS port and an h2 TLS port on one
 * server, with ALPN offered per port, and cleartext ports with and without h2c; the server's value on (ports turn
 * HTTP/2 off) and off (ports turn it on), in every mode. Clients: curl, openssl s_client, h2load.
 */
class Http2PortsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa.create(dir);
    }

    @ParameterizedTest(name = "{0}, server open_http2_protocol {1}")
    @CsvSource({"BASE, true", "THREAD, true", "PROCESS, true", "BASE, false", "THREAD, false", "PROCESS, false"})
    void eachPortSpeaksTheHttpVersionsItsOwnSettingGives(Mode mode, boolean serverH2) throws Exception {
        try (Running s = Running.start(Http2PortsApp.create(mode, dir, serverH2))) {
            int main = s.port();
            int h1 = s.server.ports().get(1).port();
            int h2 = s.server.ports().get(2).port();
            int h2c = s.server.ports().get(3).port();
            String tlsH1 = "https://127.0.0.1:" + h1 + "/";
            String tlsH2 = "https://127.0.0.1:" + h2 + "/";

            // the HTTP/1.1-only TLS port: ALPN offers http/1.1 alone, curl --http2 falls back, h2load gets nothing
            assertThat(alpn(h1)).as("ALPN on the HTTP/1.1 port").contains("ALPN protocol: http/1.1");
            assertThat(curl("-k", "--http2", tlsH1)).isEqualTo("HTTP/1.1 on port " + h1 + " 1.1");
            assertThat(curl("-k", "--http1.1", tlsH1)).isEqualTo("HTTP/1.1 on port " + h1 + " 1.1");
            assertThat(h2load(tlsH1)).as("h2load falls back to HTTP/1.1 by ALPN")
                    .contains("Application protocol: http/1.1").contains("200 succeeded, 0 failed");

            // the h2 TLS port: ALPN picks h2, HTTP/1.1 still served
            assertThat(alpn(h2)).as("ALPN on the h2 port").contains("ALPN protocol: h2");
            assertThat(curl("-k", "--http2", tlsH2)).isEqualTo("HTTP/2 on port " + h2 + " 2");
            assertThat(curl("-k", "--http1.1", tlsH2)).isEqualTo("HTTP/1.1 on port " + h2 + " 1.1");
            assertThat(h2load(tlsH2)).contains("Application protocol: h2").contains("200 succeeded, 0 failed")
                    .contains("status codes: 200 2xx");

            // the cleartext ports: h2c by prior knowledge and by Upgrade where HTTP/2 is on, HTTP/1.1 elsewhere
            String c = "http://127.0.0.1:" + h2c + "/";
            assertThat(curl("--http2-prior-knowledge", c)).isEqualTo("HTTP/2 on port " + h2c + " 2");
            assertThat(curl("--http2", c)).as("Upgrade: h2c").isEqualTo("HTTP/2 on port " + h2c + " 2");
            assertThat(h2load(c)).contains("200 succeeded, 0 failed");
            String m = "http://127.0.0.1:" + main + "/";
            if (serverH2) {
                assertThat(curl("--http2-prior-knowledge", m)).isEqualTo("HTTP/2 on port " + main + " 2");
                assertThat(h2load(m)).contains("200 succeeded, 0 failed");
            } else {
                assertThat(curl("--http2", m)).as("the upgrade is ignored").isEqualTo("HTTP/1.1 on port " + main
                        + " 1.1");
                assertThat(h2load(m)).as("no h2c on an HTTP/1.1-only port").contains("0 succeeded");
                assertThat(curl("--http1.1", m)).isEqualTo("HTTP/1.1 on port " + main + " 1.1");
            }
            assertThat(s.server.stats()).containsKey("ssl_provider");
        }
    }

    private static String alpn(int port) throws Exception {
        return TestCa.run(dir, "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-alpn", "h2,http/1.1");
    }

    private static String h2load(String url) throws Exception {
        return TestCa.run(dir, "h2load", "-n", "200", "-c", "2", "-m", "8", url);
    }

    /** curl's body, a space and the HTTP version it spoke; it must succeed. */
    private static String curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "-w", " %{http_version}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(70, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(cmd + ": " + err).isZero();
        return out;
    }
}
