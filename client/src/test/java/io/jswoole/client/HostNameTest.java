package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.http.TestCa;
import io.jswoole.tls.Pem;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The names a certificate made by {@code openssl} answers to, as OpenSSL's {@code X509_check_host} decides. */
class HostNameTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        make("wild", "/CN=ignored.test", "subjectAltName=DNS:*.example.test,DNS:*.test,IP:::1");
        make("cn", "/CN=cn.test", null);
        make("both", "/CN=cn.test", "subjectAltName=DNS:san.test");
    }

    private static void make(String name, String subject, String san) throws Exception {
        if (san == null) {
            TestCa.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", subject, "-keyout", name + ".key", "-out", name + ".pem");
        } else {
            TestCa.run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-days", "2", "-subj", subject, "-addext", san, "-keyout", name + ".key", "-out",
                    name + ".pem");
        }
    }

    private static X509Certificate cert(String name) throws Exception {
        return Pem.certificates(dir.resolve(name + ".pem")).getFirst();
    }

    private static void ok(String host, String cert) throws Exception {
        X509Certificate c = cert(cert);
        assertThatCode(() -> HostName.check(host, c)).as(host + " in " + cert).doesNotThrowAnyException();
    }

    private static void no(String host, String cert) throws Exception {
        X509Certificate c = cert(cert);
        assertThatThrownBy(() -> HostName.check(host, c)).as(host + " in " + cert)
                .hasMessageContaining("host name '" + host + "' does not match");
    }

    @Test
    void aWildcardIsOneLeftmostLabelUnderAtLeastTwo() throws Exception {
        ok("a.example.test", "wild");
        ok("A.Example.TEST.", "wild");
        no("example.test", "wild");
        no("a.b.example.test", "wild");
        no("a.test", "wild"); // *.test has one label after the wildcard
        no("ignored.test", "wild"); // the common name does not count beside DNS names
    }

    @Test
    void addressesMatchIpNamesOnly() throws Exception {
        ok("::1", "wild");
        ok("[::1]", "wild");
        ok("0:0:0:0:0:0:0:1", "wild");
        no("127.0.0.1", "wild");
        no("127.0.0.1", "cn");
    }

    @Test
    void theCommonNameCountsOnlyWithoutDnsNames() throws Exception {
        ok("cn.test", "cn");
        no("other.test", "cn");
        no("cn.test", "both");
        ok("san.test", "both");
    }
}
