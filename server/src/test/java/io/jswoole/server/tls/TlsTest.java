package io.jswoole.server.tls;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.server.ClientInfo;
import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import io.jswoole.server.TestCerts;
import io.jswoole.tls.Ciphers;
import io.jswoole.tls.SslProtocol;
import io.jswoole.tls.TlsParameters;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TLS on stream ports ({@code SockType.SSL} and the {@code ssl_*} settings), in every mode. */
class TlsTest {
    @TempDir
    static Path dir;
    static TestCerts certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCerts.in(dir);
        certs.leaf("server", "default.test", "localhost", "default.test");
        certs.leaf("client", "client one");
        certs.leaf("a", "a.test", "a.test");
        certs.leaf("wild", "wild b.test", "*.b.test");
        certs.leaf("next", "next", "localhost");
    }

    /** Echo on an SSL port; "cert" answers the CN of the client's certificate, or "none". */
    public static final class TlsEcho implements Recipe {
        @Override
        public Server create(String host, Mode mode, SockType type) {
            return new Server(host, 0, mode, type, SockType.SSL);
        }

        @Override
        public void build(Server s, Probe probe) {
            s.onConnect((x, fd, rid) -> probe.add("connect"));
            s.onReceive((x, fd, rid, data) -> {
                if (new String(data).equals("cert\n")) {
                    String cn = x.getClientInfo(fd).flatMap(ClientInfo::sslClientCert).map(TlsTest::subject)
                            .orElse("none");
                    x.send(fd, (cn + "\n").getBytes());
                } else {
                    x.send(fd, data);
                }
            });
        }
    }

    /** The provider a server in this JVM must report: jdk when forced, else BoringSSL (its jar is on the path). */
    static String expectedProvider() {
        return "jdk".equals(System.getProperty(TlsProvider.PROPERTY)) ? "jdk" : "boringssl";
    }

    static String subject(String pem) {
        try {
            var c = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes()));
            return c.getSubjectX500Principal().getName();
        } catch (java.security.cert.CertificateException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    static Map<String, Object> tls(Object... more) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("worker_num", 1);
        m.put("ssl_cert_file", certs.cert("server").toString());
        m.put("ssl_key_file", certs.key("server").toString());
        for (int i = 0; i < more.length; i += 2) {
            m.put((String) more[i], more[i + 1]);
        }
        return m;
    }

    /** A TLS client of the echo recipe. */
    static final class TlsClient implements AutoCloseable {
        final SSLSocket socket;
        final BufferedReader in;
        final OutputStream out;

        TlsClient(SSLContext ctx, int port) throws Exception {
            Socket plain = Running.connect(port);
            plain.setSoTimeout(30_000); // a JVM's first handshakes load the JDK's TLS code: slow on a busy machine
            socket = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "localhost", port, true);
            socket.startHandshake();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream()));
            out = socket.getOutputStream();
        }

        String ask(String line) throws Exception {
            out.write((line + "\n").getBytes());
            out.flush();
            return in.readLine();
        }

        String serial() throws Exception {
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectFiresAfterTheHandshakeAndPlaintextOrGarbageIsClosed(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, tls(), TlsEcho.class,
                probe)); Socket raw = Running.connect(r.port()); Socket plain = Running.connect(r.port());
                TlsClient good = new TlsClient(certs.client(null), r.port())) {
            assertThat(good.ask("hello")).isEqualTo("hello");
            assertThat(eventually(() -> probe.count("connect") == 1)).isTrue();
            assertThat(probe.count("connect")).as("the raw sockets have not handshaken").isEqualTo(1);
            raw.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5, 6, 7, 8});
            plain.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertThat(Running.closedByPeer(raw)).as("garbage closes its connection").isTrue();
            assertThat(Running.closedByPeer(plain)).as("plaintext closes its connection").isTrue();
            assertThat(good.ask("still here")).isEqualTo("still here");
            assertThat(r.server.stats()).as("netty-tcnative is on the test class path: BoringSSL unless forced")
                    .containsEntry("ssl_provider", expectedProvider());
            assertThat(probe.count("connect")).isEqualTo(1);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void verifyPeerAcceptsTheCaSignedClientAndShowsItsCertificate(Mode mode) throws Exception {
        Map<String, Object> s = tls("ssl_verify_peer", true, "ssl_client_cert_file", certs.caCert.toString());
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, s, TlsEcho.class,
                probe)); TlsClient c = new TlsClient(certs.client("client"), r.port())) {
            assertThat(c.ask("cert")).isEqualTo("CN=client one");
            assertThat(refused(certs.client(null), r.port())).as("no client certificate").isTrue();
            assertThat(c.ask("again")).isEqualTo("again");
        }
    }

    /** The handshake or the first exchange fails (TLSv1.3 sends the server's refusal after the client's Finished). */
    static boolean refused(SSLContext ctx, int port) {
        try (TlsClient c = new TlsClient(ctx, port)) {
            return c.ask("hi") == null;
        } catch (Exception e) {
            return true;
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void sniPicksTheCertificateWildcardsIncluded(Mode mode) throws Exception {
        try (Probe probe = Probe.create()) {
            Server server = Recipe.server(mode, tls(), TlsEcho.class, probe);
            server.set(Map.of("ssl_sni_certs", Map.of(
                    "a.test", Map.of("ssl_cert_file", certs.cert("a").toString(),
                            "ssl_key_file", certs.key("a").toString()),
                    "*.b.test", Map.of("ssl_cert_file", certs.cert("wild").toString(),
                            "ssl_key_file", certs.key("wild").toString()))));
            try (Running r = Running.start(server)) {
                assertThat(subjectServed(r.port(), "a.test")).contains("CN = a.test");
                assertThat(subjectServed(r.port(), "x.b.test")).contains("CN = wild b.test");
                assertThat(subjectServed(r.port(), "other.test")).contains("CN = default.test");
            }
        }
    }

    /** The subject line of the certificate {@code openssl s_client -servername name} gets. */
    static String subjectServed(int port, String name) throws Exception {
        String pem = TestCerts.run(dir, "", "openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", name);
        return TestCerts.run(dir, pem, "openssl", "x509", "-noout", "-subject");
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void protocolsAndCiphersOutsideTheSettingsAreRefused(Mode mode) throws Exception {
        Map<String, Object> s = tls("ssl_protocols", SslProtocol.TLSv1_2, "ssl_ciphers",
                "ECDHE-RSA-AES256-GCM-SHA384");
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, s, TlsEcho.class,
                probe))) {
            String addr = "127.0.0.1:" + r.port();
            assertThat(TestCerts.run(dir, "", "openssl", "s_client", "-connect", addr, "-tls1_3"))
                    .doesNotContain("Protocol  : TLSv1.3").doesNotContain("BEGIN CERTIFICATE");
            assertThat(TestCerts.run(dir, "", "openssl", "s_client", "-connect", addr, "-tls1_2", "-cipher",
                    "ECDHE-RSA-AES128-GCM-SHA256")).doesNotContain("BEGIN CERTIFICATE");
            assertThat(TestCerts.run(dir, "", "openssl", "s_client", "-connect", addr, "-tls1_2", "-cipher",
                    "ECDHE-RSA-AES256-GCM-SHA384")).contains("BEGIN CERTIFICATE")
                    .contains("ECDHE-RSA-AES256-GCM-SHA384");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void reloadServesTheNewCertificateToNewHandshakesOnly(Mode mode) throws Exception {
        Path cert = dir.resolve(mode + "-live.pem");
        Path key = dir.resolve(mode + "-live.key");
        Files.copy(certs.cert("server"), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.key("server"), key, StandardCopyOption.REPLACE_EXISTING);
        Map<String, Object> s = tls("ssl_cert_file", cert.toString(), "ssl_key_file", key.toString());
        String before = TestCerts.serial(certs.cert("server"));
        String after = TestCerts.serial(certs.cert("next"));
        SSLContext ctx = certs.client(null);
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, s, TlsEcho.class,
                probe)); TlsClient open = new TlsClient(ctx, r.port())) {
            assertThat(open.serial()).isEqualTo(before);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger failures = new AtomicInteger(), rounds = new AtomicInteger();
            java.util.Queue<String> why = new java.util.concurrent.ConcurrentLinkedQueue<>();
            Thread loop = Thread.ofPlatform().start(() -> {
                while (!stop.get()) {
                    try (TlsClient c = new TlsClient(ctx, r.port())) {
                        if (!c.ask("x").equals("x")) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        why.add(e.toString());
                    }
                    rounds.incrementAndGet();
                }
            });
            eventually(() -> rounds.get() > 3);
            Files.copy(certs.cert("next"), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(certs.key("next"), key, StandardCopyOption.REPLACE_EXISTING);
            assertThat(r.server.reload()).isTrue();
            int seen = rounds.get();
            eventually(() -> rounds.get() > seen + 3);
            stop.set(true);
            loop.join();
            assertThat(failures.get()).as("handshakes failed around the reload: " + why).isZero();
            try (TlsClient fresh = new TlsClient(ctx, r.port())) {
                assertThat(fresh.serial()).isEqualTo(after);
            }
            assertThat(open.ask("old connection")).isEqualTo("old connection");
            assertThat(open.serial()).isEqualTo(before);

            Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n");
            r.server.reload();
            try (TlsClient fresh = new TlsClient(ctx, r.port())) {
                assertThat(fresh.serial()).as("a broken file keeps the last good certificate").isEqualTo(after);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void verifyPeerTakesCaDirectoriesAndSelfSignedClientsWhenAllowed(Mode mode) throws Exception {
        Path cas = dir.resolve("cas-" + mode);
        Files.createDirectories(cas);
        Files.copy(certs.caCert, cas.resolve("ca.pem"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(cas.resolve("README"), "not a certificate\n");
        certs.selfSigned("self", "self signed");
        Map<String, Object> s = tls("ssl_verify_peer", true, "ssl_capath", cas.toString(),
                "ssl_allow_self_signed", true);
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, s, TlsEcho.class,
                probe)); TlsClient signed = new TlsClient(certs.client("client"), r.port());
                TlsClient self = new TlsClient(certs.client("self"), r.port())) {
            assertThat(signed.ask("cert")).isEqualTo("CN=client one");
            assertThat(self.ask("cert")).isEqualTo("CN=self signed");
        }
        Map<String, Object> strict = tls("ssl_verify_peer", true, "ssl_capath", cas.toString());
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, strict, TlsEcho.class,
                probe))) {
            assertThat(refused(certs.client("self"), r.port())).as("self-signed without the allowance").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void ecdhCurveAndServerCipherPreferenceApply(Mode mode) throws Exception {
        Map<String, Object> s = tls("ssl_ecdh_curve", "secp384r1", "ssl_prefer_server_ciphers", true,
                "ssl_ciphers", "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256");
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, s, TlsEcho.class,
                probe))) {
            String addr = "127.0.0.1:" + r.port();
            assertThat(TestCerts.run(dir, "", "openssl", "s_client", "-connect", addr, "-groups", "X25519"))
                    .doesNotContain("BEGIN CERTIFICATE");
            assertThat(TestCerts.run(dir, "", "openssl", "s_client", "-connect", addr, "-groups", "P-384"))
                    .contains("BEGIN CERTIFICATE");
            assertThat(TestCerts.run(dir, "", "openssl", "s_client", "-connect", addr, "-tls1_2", "-cipher",
                    "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384"))
                    .as("the server's order wins").contains("Cipher is ECDHE-RSA-AES256-GCM-SHA384");
        }
    }

    @Test
    void aChangedCertificateFileIsReloadedWithoutACall() throws Exception {
        Path cert = dir.resolve("watched.pem");
        Path key = dir.resolve("watched.key");
        Files.copy(certs.cert("server"), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(certs.key("server"), key, StandardCopyOption.REPLACE_EXISTING);
        Map<String, Object> s = tls("ssl_cert_file", cert.toString(), "ssl_key_file", key.toString());
        String after = TestCerts.serial(certs.cert("next"));
        SSLContext ctx = certs.client(null);
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(Mode.BASE, s, TlsEcho.class,
                probe))) {
            Files.copy(certs.key("next"), key, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(certs.cert("next"), cert, StandardCopyOption.REPLACE_EXISTING);
            assertThat(eventually(() -> {
                try (TlsClient c = new TlsClient(ctx, r.port())) {
                    return c.serial().equals(after);
                } catch (Exception e) {
                    return false;
                }
            }) || slowEventually(ctx, r.port(), after)).isTrue();
        }
    }

    /** The watcher checks every second and waits for a change to hold still: give it more than 5 s if needed. */
    private static boolean slowEventually(SSLContext ctx, int port, String serial) throws Exception {
        for (int i = 0; i < 50; i++) {
            try (TlsClient c = new TlsClient(ctx, port)) {
                if (c.serial().equals(serial)) {
                    return true;
                }
            }
            Thread.sleep(100);
        }
        return false;
    }

    @Test
    void settingsThatCannotBeHonouredAreRefusedByName() {
        Server plain = new Server("127.0.0.1", 0);
        plain.onReceive((x, fd, rid, d) -> { });
        plain.set(Map.of("ssl_cert_file", certs.cert("server").toString()));
        assertThatThrownBy(plain::start).hasMessageContaining("'ssl_cert_file'").hasMessageContaining("SockType.SSL");

        assertThatThrownBy(() -> start(Map.of())).hasMessageContaining("ssl_cert_file");
        assertThatThrownBy(() -> start(tls("ssl_ciphers", "NOT-A-CIPHER"))).hasMessageContaining("'ssl_ciphers'");
        assertThatThrownBy(() -> start(tls("ssl_ciphers", "CAMELLIA"))).hasMessageContaining("'ssl_ciphers'");
        assertThatThrownBy(() -> start(tls("ssl_protocols", SslProtocol.TLSv1))).hasMessageContaining(
                "'ssl_protocols'");
        assertThatThrownBy(() -> start(tls("ssl_ecdh_curve", "brainpoolP512r1"))).hasMessageContaining(
                "'ssl_ecdh_curve'");
        assertThatThrownBy(() -> start(tls("ssl_compress", true))).hasMessageContaining("'ssl_compress'");
        assertThatThrownBy(() -> start(tls("ssl_cafile", certs.caCert.toString()))).hasMessageContaining(
                "'ssl_cafile'").hasMessageContaining("ssl_verify_peer");
        assertThatThrownBy(() -> start(tls("ssl_key_file", certs.key("a").toString()))).hasMessageContaining(
                "does not match");
        assertThatThrownBy(() -> new Server("127.0.0.1", 0).set(Map.of("ssl_dhparam", "x"))).hasMessageContaining(
                "'ssl_dhparam'");
        assertThatThrownBy(() -> new Server("127.0.0.1", 0, Mode.BASE, SockType.UDP, SockType.SSL))
                .hasMessageContaining("DTLS");
    }

    private static void start(Map<String, Object> settings) {
        Server s = new Server("127.0.0.1", 0, Mode.BASE, SockType.TCP, SockType.SSL);
        s.onReceive((x, fd, rid, d) -> { });
        s.set(settings);
        s.start();
        s.shutdown();
    }

    @Test
    void unixStreamAndListenedPortsSpeakTls() throws Exception {
        Path sock = dir.resolve("tls.sock");
        Server s = new Server(sock.toString(), 0, Mode.BASE, SockType.UNIX_STREAM, SockType.SSL);
        s.set(tls());
        s.onReceive((x, fd, rid, d) -> x.send(fd, d));
        Port extra = s.listen("127.0.0.1", 0, SockType.TCP, SockType.SSL);
        extra.set(Map.of("ssl_cert_file", certs.cert("a").toString(), "ssl_key_file", certs.key("a").toString()));
        Port v6 = s.listen("::1", 0, SockType.TCP6, SockType.SSL);
        v6.set(Map.of("ssl_cert_file", certs.cert("server").toString(), "ssl_key_file",
                certs.key("server").toString()));
        try (Running r = Running.start(s)) {
            String out = TestCerts.run(dir, "", "openssl", "s_client", "-unix", sock.toString());
            assertThat(out).contains("CN = default.test");
            assertThat(subjectServed(extra.port(), "a.test")).contains("CN = a.test");
            assertThat(TestCerts.run(dir, "", "openssl", "s_client", "-connect", "[::1]:" + v6.port()))
                    .contains("CN = default.test");
        }
    }

    @Test
    void cipherListsFollowOpenSslRules() {
        List<String> jdk = TlsParameters.enabledSuites();
        List<String> def = Ciphers.select(Tls.DEFAULT_CIPHERS, jdk);
        assertThat(def).contains("TLS_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384")
                .doesNotContain("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256");
        assertThat(Ciphers.select("HIGH:!aNULL:!MD5:!kRSA", jdk)).doesNotContain("TLS_RSA_WITH_AES_256_GCM_SHA384")
                .contains("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        List<String> ordered = Ciphers.select("ECDHE+AES128:ECDHE+AES256:-ECDHE-RSA-AES128-SHA:+AES128", jdk);
        assertThat(ordered).doesNotContain("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        assertThat(ordered.indexOf("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                .as("+AES128 moved the AES128 suites behind the AES256 ones")
                .isGreaterThan(ordered.indexOf("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        assertThat(Ciphers.select("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", jdk))
                .contains("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    /** A plain client socket to 127.0.0.1:port, used before the TLS layer. */
    static Socket tcp(int port) throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return s;
    }
}
