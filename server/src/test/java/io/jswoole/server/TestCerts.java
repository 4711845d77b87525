package io.jswoole.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates made with {@code openssl} in a test's directory: a CA, leaf certificates it signs (server names
 * as subject alternative names), self-signed ones, and JDK contexts that trust the CA or present a client
 * certificate.
 */
public final class TestCerts {
    final Path dir;
    public final Path caCert;
    final Path caKey;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.caCert = dir.resolve("ca.pem");
        this.caKey = dir.resolve("ca.key");
    }

    /** A new CA in {@code dir}. */
    public static TestCerts in(Path dir) throws Exception {
        TestCerts t = new TestCerts(dir);
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
                "2", "-subj", "/CN=jswoole test CA", "-keyout", t.caKey.toString(), "-out", t.caCert.toString());
        return t;
    }

    /** A leaf {@code name}.pem / {@code name}.key signed by the CA, for {@code dnsNames}; returns the cert path. */
    public Path leaf(String name, String cn, String... dnsNames) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path ext = dir.resolve(name + ".ext");
        List<String> sans = new ArrayList<>();
        for (String d : dnsNames) {
            sans.add("DNS:" + d);
        }
        sans.add("IP:127.0.0.1");
        Files.writeString(ext, "subjectAltName=" + String.join(",", sans) + "\n");
        openssl(dir, "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + cn, "-keyout", key.toString(),
                "-out", csr.toString());
        openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", cert.toString());
        return cert;
    }

    /** A self-signed {@code name}.pem / {@code name}.key. */
    public Path selfSigned(String name, String cn) throws Exception {
        Path cert = dir.resolve(name + ".pem");
        openssl(dir, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                "-keyout", dir.resolve(name + ".key").toString(), "-out", cert.toString());
        return cert;
    }

    public Path key(String name) {
        return dir.resolve(name + ".key");
    }

    public Path cert(String name) {
        return dir.resolve(name + ".pem");
    }

    /** The serial number of {@code cert}, in lower-case hex as the server logs it. */
    public static String serial(Path cert) throws Exception {
        try (InputStream in = Files.newInputStream(cert)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .getSerialNumber().toString(16);
        }
    }

    /** A client context that trusts the CA, and presents certificate {@code clientName} when not null. */
    public SSLContext client(String clientName) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientName != null) {
            Path p12 = dir.resolve(clientName + ".p12");
            openssl(dir, "pkcs12", "-export", "-in", cert(clientName).toString(), "-inkey",
                    key(clientName).toString(), "-out", p12.toString(), "-passout", "pass:test");
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(p12)) {
                ks.load(in, "test".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "test".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    /** Runs {@code openssl args} in {@code dir}; throws with its output when it fails. */
    static String openssl(Path dir, String... args) throws Exception {
        return run(dir, null, prepend("openssl", args));
    }

    /** Runs a command with {@code stdin} (null: none), returning stdout and stderr together. */
    public static String run(Path dir, String stdin, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes());
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + " did not finish: " + out);
        }
        if (p.exitValue() != 0 && cmd[0].equals("openssl") && !cmd[1].equals("s_client")) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static String[] prepend(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
