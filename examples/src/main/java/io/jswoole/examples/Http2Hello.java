package io.jswoole.examples;

import io.jswoole.http.HttpServer;
import io.jswoole.server.Port;
import io.jswoole.server.SockType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code http2-hello}: HTTPS with HTTP/2 (h2 chosen by ALPN, HTTP/1.1 too) on the port given, and h2c (HTTP/2 in
 * clear text by prior knowledge, or the {@code Upgrade: h2c} path, and HTTP/1.1) on the next port. {@code GET /}
 * answers which protocol and stream carried it; {@code /echo} echoes a POST body; {@code /stream} sends three
 * pieces 100 ms apart and a trailer. Without {@code ssl_cert_file} a self-signed certificate for localhost and
 * 127.0.0.1 is made at start ({@link #selfSigned}) with the JDK's own {@code keytool}, so nothing beyond the JDK
 * is needed; try {@code curl -k --http2 https://127.0.0.1:PORT/} and
 * {@code curl --http2-prior-knowledge http://127.0.0.1:PORT+1/}.
 */
public final class Http2Hello {
    private Http2Hello() {
    }

    public static HttpServer create(ExampleOptions o) {
        Map<String, Object> s = new LinkedHashMap<>(o.settings());
        if (!s.containsKey("ssl_cert_file")) {
            Path[] made = selfSigned(Path.of(System.getProperty("java.io.tmpdir"), "jswoole-http2-hello"));
            s.put("ssl_cert_file", made[0].toString());
            s.put("ssl_key_file", made[1].toString());
        }
        s.put("open_http2_protocol", true);
        HttpServer server = new HttpServer(o.host(), o.port(), o.mode(), SockType.TCP, SockType.SSL);
        server.set(s);
        Port h2c = server.listen(o.host(), o.port() == 0 ? 0 : o.port() + 1, SockType.TCP);
        h2c.set(Map.of("open_http_protocol", true));
        server.onRequest((req, res) -> {
            switch (req.path()) {
                case "/" -> {
                    res.header("Content-Type", "text/plain; charset=utf-8");
                    res.end("Hello over " + req.server().get("server_protocol") + " (stream " + req.streamId()
                            + ")\n");
                }
                case "/echo" -> res.end(req.rawContent());
                case "/stream" -> {
                    for (int i = 0; i < 3; i++) {
                        res.write("piece " + i + "\n");
                        io.jswoole.coroutine.Coroutine.sleep(0.1);
                    }
                    res.trailer("x-pieces", "3");
                    res.end();
                }
                default -> {
                    res.status(404);
                    res.end("Not Found\n");
                }
            }
        });
        return server;
    }

    /**
     * A self-signed EC P-256 certificate for localhost and 127.0.0.1 (valid 30 days) in {@code dir}, as PEM files
     * {@code cert.pem} and {@code key.pem}; kept and reused while valid. Made by the running JDK's {@code keytool}
     * (PKCS#12), then written out as PEM from the key store.
     */
    public static Path[] selfSigned(Path dir) {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        try {
            if (Files.exists(cert) && Files.exists(key)
                    && Files.getLastModifiedTime(cert).toMillis() > System.currentTimeMillis() - 86_400_000L * 20) {
                return new Path[] {cert, key};
            }
            Files.createDirectories(dir);
            Path store = Files.createTempFile(dir, "keystore", ".p12");
            Files.delete(store);
            char[] pass = "jswoole-example".toCharArray();
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "h2", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost",
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "30", "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", new String(pass), "-keypass", new String(pass)))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("keytool could not make the example's certificate: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, pass);
            }
            Base64.Encoder b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n"
                    + b64.encodeToString(ks.getCertificate("h2").getEncoded()) + "\n-----END CERTIFICATE-----\n");
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                    + b64.encodeToString(ks.getKey("h2", pass).getEncoded()) + "\n-----END PRIVATE KEY-----\n");
            Files.delete(store);
            return new Path[] {cert, key};
        } catch (IOException e) {
            throw new UncheckedIOException("the example's certificate in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the example's certificate in " + dir + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the example's certificate", e);
        }
    }

    /** Runs the example: {@code Http2Hello [--host H] [--port P] [--mode M] [--set k=v ...]} (default 9543). */
    public static void main(String[] args) {
        create(ExampleOptions.parse(args, 9543)).start();
    }
}
