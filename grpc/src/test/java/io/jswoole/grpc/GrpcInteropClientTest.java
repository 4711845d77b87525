package io.jswoole.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * grpc-java's interop client as users run it: {@code java -cp ... io.grpc.testing.integration.TestServiceClient
 * --test_case=...}, one JVM per case, on the unshaded grpc-netty and its Netty 4.1 (nothing of jswoole or of our
 * Netty 4.2 on its class path), against jswoole serving {@code TestServiceImpl}: h2c on the main port and h2 over TLS
 * on a second port with grpc's test certificate ({@code server1.pem}, checked by the client against grpc's test
 * CA, {@code --use_test_ca}).
 */
class GrpcInteropClientTest {
    static final List<String> CASES = List.of("empty_unary", "large_unary", "client_compressed_unary_noprobe",
            "server_compressed_unary", "client_streaming", "client_compressed_streaming_noprobe", "server_streaming",
            "server_compressed_streaming", "ping_pong", "empty_stream", "cancel_after_begin",
            "cancel_after_first_response", "timeout_on_sleeping_server", "very_large_request", "custom_metadata",
            "status_code_and_message", "special_status_message", "unimplemented_method", "unimplemented_service");

    /** The cases also run over TLS (each case is a JVM start: the TLS run is kept to the streaming and big ones). */
    static final List<String> TLS_CASES = List.of("empty_unary", "large_unary", "client_streaming", "ping_pong",
            "cancel_after_first_response", "very_large_request", "custom_metadata", "server_compressed_streaming");

    /** InteropApp plus a TLS port (h2 by ALPN) with grpc's server1 certificate, extracted to the temp dir. */
    public static final class WithTls implements io.jswoole.http.HttpRecipe {
        @Override
        public void build(Server server, Probe probe) {
            new InteropApp().build(server, probe);
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "jswoole-grpc-certs");
            try {
                Files.createDirectories(dir);
                for (String f : List.of("server1.pem", "server1.key")) {
                    try (InputStream in = io.grpc.testing.TlsTesting.loadCert(f)) {
                        Files.write(dir.resolve(f), in.readAllBytes());
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            Port tls = server.listen("127.0.0.1", 0, SockType.TCP, SockType.SSL);
            tls.set(Map.of("open_http_protocol", true, "ssl_cert_file", dir.resolve("server1.pem").toString(),
                    "ssl_key_file", dir.resolve("server1.key").toString()));
        }
    }

    static String classPath() throws IOException {
        Path target = Path.of("target");
        String ours = Files.readString(target.resolve("test.classpath")).trim();
        Stream<String> kept = Arrays.stream(ours.split(File.pathSeparator))
                .filter(p -> !p.contains("/io/netty/") && !p.contains("/io/jswoole/"));
        try (Stream<Path> client = Files.list(target.resolve("interop-client"))) {
            return Stream.concat(kept, client.map(Path::toString)).collect(Collectors.joining(File.pathSeparator));
        }
    }

    static String runCase(String cp, int port, boolean tls, String testCase) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, "io.grpc.testing.integration.TestServiceClient", "--server_host=127.0.0.1",
                "--server_port=" + port, "--test_case=" + testCase));
        if (tls) {
            cmd.addAll(List.of("--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr"));
        } else {
            cmd.add("--use_tls=false");
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out: " + out;
        }
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"BASE", "PROCESS"})
    void testServiceClientPassesOverH2cAndTls(Mode mode) throws Exception {
        String cp = classPath();
        try (Probe probe = Probe.create();
             Running s = Running.start(Recipe.server(mode, Map.of("worker_num", 2, "open_http2_protocol", true),
                     WithTls.class, probe))) {
            int tlsPort = s.server.ports().get(1).port();
            List<String> failed = new ArrayList<>();
            for (String c : CASES) {
                for (boolean tls : TLS_CASES.contains(c) ? new boolean[] {false, true} : new boolean[] {false}) {
                    long t0 = System.nanoTime();
                    String err = runCase(cp, tls ? tlsPort : s.port(), tls, c);
                    String line = mode + (tls ? " h2 " : " h2c ") + c + ": " + (err == null ? "passed" : "FAILED")
                            + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
                    System.out.println(err == null ? line : line + "\n" + err);
                    if (err != null) {
                        failed.add(line);
                    }
                }
            }
            assertThat(failed).isEmpty();
        }
    }
}
