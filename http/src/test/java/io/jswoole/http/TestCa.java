package io.jswoole.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and a server certificate it signed, made by {@code openssl} in a directory: {@code ca.pem}, and
 * {@code server.pem} with {@code server.key} for localhost and 127.0.0.1; plus a JDK client context trusting the CA.
 */
public final class TestCa {
    private TestCa() {
    }

    /** Writes the CA and the server's certificate and key into {@code dir}. */
    public static void create(Path dir) throws Exception {
        ok(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
                "2", "-subj", "/CN=jswoole test CA", "-keyout", "ca.key", "-out", "ca.pem");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        ok(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "server.key",
                "-out", "server.csr");
        ok(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.pem");
    }

    /** Runs {@code cmd} in {@code dir}; its output (stderr included). */
    public static String run(Path dir, String... cmd) throws Exception {
        return exec(dir, false, cmd);
    }

    private static void ok(Path dir, String... cmd) throws Exception {
        exec(dir, true, cmd);
    }

    private static String exec(Path dir, boolean mustSucceed, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(List.of(cmd) + " did not finish");
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new IOException(List.of(cmd) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    /** A client context that trusts the CA in {@code dir}. */
    public static SSLContext trusting(Path dir) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(dir.resolve("ca.pem"))) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
