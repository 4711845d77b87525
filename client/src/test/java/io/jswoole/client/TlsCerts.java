package io.jswoole.client;

import io.jswoole.http.TestCa;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The certificates of the client TLS tests, made by {@code openssl} in a directory: {@link TestCa}'s CA and
 * server certificate (localhost, 127.0.0.1), plus {@code a.pem} for {@code a.test} (SNI), {@code client.pem} (a
 * client certificate of the CA), {@code self.pem} (self-signed, localhost and 127.0.0.1), and {@code leaf.pem}
 * signed by the intermediate {@code inter.pem} (a chain of two below the CA). Each with its {@code .key}.
 */
final class TlsCerts {
    private TlsCerts() {
    }

    static void create(Path dir) throws Exception {
        TestCa.create(dir);
        Files.writeString(dir.resolve("a.ext"), "subjectAltName=DNS:a.test\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        Files.writeString(dir.resolve("inter.ext"), "basicConstraints=critical,CA:true\nkeyUsage=critical,"
                + "keyCertSign,cRLSign\n");
        signed(dir, "a", "/CN=a.test", "ca", "a.ext");
        signed(dir, "client", "/CN=jswoole client", "ca", "client.ext");
        signed(dir, "inter", "/CN=jswoole test intermediate", "ca", "inter.ext");
        signed(dir, "leaf", "/CN=localhost", "inter", "san.ext");
        ok(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", "self.key", "-out", "self.pem");
    }

    private static void signed(Path dir, String name, String subject, String ca, String ext) throws Exception {
        ok(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", subject,
                "-keyout", name + ".key", "-out", name + ".csr");
        ok(dir, "openssl", "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-CAcreateserial", "-days", "2", "-extfile", ext, "-out", name + ".pem");
    }

    private static void ok(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(List.of(cmd) + " failed: " + out);
        }
    }

    /** {@code openssl s_server} on 127.0.0.1 (or another address) and a free port, with {@code args}; killed on close. */
    static final class SServer implements AutoCloseable {
        private final Process process;
        private final int port;
        private final StringBuilder log = new StringBuilder();

        SServer(Path dir, String... args) throws Exception {
            this(dir, "127.0.0.1:0", List.of(args));
        }

        /** s_server on {@code accept} (such as {@code [::1]:0}). */
        SServer(Path dir, String accept, List<String> args) throws Exception {
            List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", accept));
            cmd.addAll(args);
            process = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            CompletableFuture<Integer> bound = new CompletableFuture<>();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        synchronized (log) {
                            log.append(line).append('\n');
                        }
                        if (line.startsWith("ACCEPT ")) {
                            bound.complete(Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim()));
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                bound.completeExceptionally(new IOException("s_server ended: " + log()));
            });
            port = bound.get(30, TimeUnit.SECONDS);
        }

        int port() {
            return port;
        }

        /** What s_server printed so far. */
        String log() {
            synchronized (log) {
                return log.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
