package io.jswoole.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad gRPC input gets a gRPC status, bounded: a length prefix over maxInboundMessageSize is RESOURCE_EXHAUSTED (8)
 * before anything of that size is allocated; a compressed flag without grpc-encoding is INTERNAL (13); an unknown
 * grpc-encoding is UNIMPLEMENTED (12); an unknown method UNIMPLEMENTED. Sent with nghttp, as a raw HTTP/2 client.
 */
class GrpcBadInputTest {
    static String nghttp(int port, String path, byte[] body, String... headers) throws Exception {
        Path f = Files.createTempFile("grpc-bad", ".bin");
        try {
            Files.write(f, body);
            var cmd = new java.util.ArrayList<>(java.util.List.of("nghttp", "-v", "-H", ":method: POST", "-H",
                    "content-type: application/grpc", "-H", "te: trailers"));
            for (String h : headers) {
                cmd.add("-H");
                cmd.add(h);
            }
            cmd.addAll(java.util.List.of("-d", f.toString(), "http://127.0.0.1:" + port + path));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
            return out;
        } finally {
            Files.deleteIfExists(f);
        }
    }

    static byte[] prefix(int flag, long length, int extra) {
        byte[] b = new byte[5 + extra];
        b[0] = (byte) flag;
        b[1] = (byte) (length >>> 24);
        b[2] = (byte) (length >>> 16);
        b[3] = (byte) (length >>> 8);
        b[4] = (byte) length;
        return b;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void badFramesGetTheirStatus(Mode mode) throws Exception {
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 1, "open_http2_protocol", true),
                     InteropApp.class, probe))) {
            String unary = "/grpc.testing.TestService/UnaryCall";
            // 4 GiB - 1 announced, 16 bytes sent: refused from the prefix
            assertThat(nghttp(s.port(), unary, prefix(0, 0xffff_ffffL, 16)))
                    .contains("grpc-status: 8").contains("grpc-message: gRPC message exceeds maximum size");
            assertThat(nghttp(s.port(), unary, prefix(1, 3, 3))).contains("grpc-status: 13");
            assertThat(nghttp(s.port(), unary, prefix(0, 0, 0), "grpc-encoding: br")).contains("grpc-status: 12");
            assertThat(nghttp(s.port(), "/no.Such/Method", prefix(0, 0, 0)))
                    .contains("grpc-status: 12").contains("Method not found: no.Such/Method");
            // gRPC over HTTP/1.1 (426), and a request that is not gRPC on a server without a fallback (415)
            String url = "http://127.0.0.1:" + s.port() + unary;
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code}", "--http1.1", "-H",
                    "content-type: application/grpc", "--data-binary", "x", url)).isEqualTo("426");
            assertThat(Running.curl("-o", "/dev/null", "-w", "%{http_code}", "--http2-prior-knowledge", url))
                    .isEqualTo("415");
            // and a good call still works: an empty SimpleRequest gets an empty SimpleResponse
            assertThat(nghttp(s.port(), unary, prefix(0, 0, 0))).contains("grpc-status: 0");
        }
    }
}
