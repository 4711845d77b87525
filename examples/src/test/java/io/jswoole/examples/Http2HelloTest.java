package io.jswoole.examples;

import static io.jswoole.server.Running.curl;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http2-hello} as its README section says to try it: curl over h2 (the generated certificate) and h2c. */
class Http2HelloTest {
    @TempDir
    Path tmp;

    @Test
    void h2OverTlsAndH2cWithCurl() throws Exception {
        Path[] cert = Http2Hello.selfSigned(tmp);
        try (Running s = Running.start(Http2Hello.create(new ExampleOptions("127.0.0.1", 0, Mode.BASE,
                Map.of("worker_num", 1, "ssl_cert_file", cert[0].toString(), "ssl_key_file", cert[1].toString()))))) {
            String https = "https://127.0.0.1:" + s.port();
            String h2c = "http://127.0.0.1:" + s.server.ports().get(1).port();
            // the generated certificate verifies as its own CA, for 127.0.0.1 and localhost
            assertThat(curl("--cacert", cert[0].toString(), "--http2", "-w", "%{http_version}", https + "/"))
                    .isEqualTo("Hello over HTTP/2 (stream 1)\n2");
            assertThat(curl("-k", "--http1.1", https + "/")).isEqualTo("Hello over HTTP/1.1 (stream 0)\n");
            assertThat(curl("--http2-prior-knowledge", h2c + "/")).isEqualTo("Hello over HTTP/2 (stream 1)\n");
            assertThat(curl("--http2", h2c + "/")).as("Upgrade: h2c").isEqualTo("Hello over HTTP/2 (stream 1)\n");
            assertThat(curl("--http2-prior-knowledge", "--data-binary", "ping", h2c + "/echo")).isEqualTo("ping");
            assertThat(curl("-k", "--http2", "-D", "-", https + "/stream")).contains("x-pieces: 3")
                    .contains("piece 0\npiece 1\npiece 2\n");
        }
    }

    @Test
    void theCertificateIsMadeOnceAndReused() {
        Path[] a = Http2Hello.selfSigned(tmp);
        Path[] b = Http2Hello.selfSigned(tmp);
        assertThat(a[0]).exists().isEqualTo(b[0]);
        assertThat(a[1]).content().startsWith("-----BEGIN PRIVATE KEY-----");
    }
}
