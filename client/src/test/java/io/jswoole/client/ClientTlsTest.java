package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.client.TlsCerts.SServer;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.tls.SslProtocol;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Client(Type.TCP, Client.SSL)} against {@code openssl s_server -rev} (each line sent back reversed): the
 * server verified by default, SNI, client certificates, self-signed certificates, depth, protocols and ciphers.
 */
class ClientTlsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        TlsCerts.create(dir);
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static SServer rev(String cert, String... more) throws Exception {
        String[] args = new String[4 + more.length + 1];
        args[0] = "-cert";
        args[1] = cert + ".pem";
        args[2] = "-key";
        args[3] = cert + ".key";
        System.arraycopy(more, 0, args, 4, more.length);
        args[args.length - 1] = "-rev";
        return new SServer(dir, args);
    }

    private static Client tls(Map<String, ?> settings) {
        Client c = new Client(Client.Type.TCP, Client.SSL);
        c.set(settings);
        return c;
    }

    /** Connects, sends a line and expects it reversed. */
    private static void roundTrip(Client c, String host, int port) {
        assertThat(c.connect(host, port, 10)).as(c.errCode() + " " + c.errMsg()).isTrue();
        assertThat(c.send("hello tls\n")).isEqualTo(10);
        byte[] got = c.recv(10);
        assertThat(got).as(c.errCode() + " " + c.errMsg()).isNotNull();
        assertThat(new String(got, StandardCharsets.UTF_8).trim()).isEqualTo("slt olleh");
        c.close();
    }

    private static void refused(Client c, int port, int code, String why) {
        assertThat(c.connect("127.0.0.1", port, 10)).isFalse();
        assertThat(c.errCode()).as(c.errMsg()).isEqualTo(code);
        assertThat(c.errMsg()).contains(why);
        assertThat(c.isConnected()).isFalse();
    }

    @Test
    void theSslFlagIsSwoolesAndTheServers() {
        // the client does not depend on the server at run time, so its copy of SWOOLE_SSL is checked here
        assertThat(Client.SSL).isEqualTo(io.jswoole.server.SockType.SSL).isEqualTo(512);
    }

    @Test
    void verifiesTheServerAgainstTheCaFileAndByDefaultRefusesAnUnknownCa() throws Exception {
        try (SServer s = rev("server")) {
            Coroutine.run(() -> {
                Client c = tls(Map.of("ssl_cafile", file("ca.pem")));
                roundTrip(c, "127.0.0.1", s.port());
                Client named = tls(Map.of("ssl_cafile", file("ca.pem")));
                roundTrip(named, "localhost", s.port());
                // no setting: verified against the JDK's trust store, which does not know the test CA
                refused(new Client(Client.Type.TCP, Client.SSL), s.port(), Client.SSL_VERIFY_FAILED,
                        "SSL verify failed");
                Client dir = tls(Map.of("ssl_capath", caDirectory()));
                roundTrip(dir, "127.0.0.1", s.port());
                Client off = tls(Map.of("ssl_verify_peer", false));
                roundTrip(off, "127.0.0.1", s.port());
            });
        }
    }

    private static String caDirectory() {
        try {
            Path d = Files.createDirectories(dir.resolve("capath"));
            Files.copy(dir.resolve("ca.pem"), d.resolve("ca.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(d.resolve("README"), "not a certificate\n");
            return d.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void tcp6() throws Exception {
        try (SServer s = new SServer(dir, "[::1]:0", java.util.List.of("-cert", "server.pem", "-key", "server.key",
                "-rev"))) {
            Coroutine.run(() -> {
                Client c = new Client(Client.Type.TCP6, Client.SSL);
                c.set(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "localhost"));
                roundTrip(c, "::1", s.port());
                Client unnamed = new Client(Client.Type.TCP6, Client.SSL);
                unnamed.set(Map.of("ssl_cafile", file("ca.pem")));
                assertThat(unnamed.connect("::1", s.port(), 10)).isFalse();
                assertThat(unnamed.errMsg()).contains("host name '::1' does not match");
            });
        }
    }

    @Test
    void theCertificateAfterTheHandshakeIsTheServers() throws Exception {
        try (SServer s = rev("server")) {
            Coroutine.run(() -> {
                Client c = tls(Map.of("ssl_cafile", file("ca.pem")));
                assertThat(c.connect("127.0.0.1", s.port(), 10)).isTrue();
                try {
                    assertThat(c.getPeerCert()).isEqualTo(Files.readString(dir.resolve("server.pem")));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                c.close();
                assertThat(c.getPeerCert()).isNull();
            });
        }
    }

    @Test
    void sslHostNameIsSentAsSniAndIsTheNameChecked() throws Exception {
        // s_server answers SNI a.test with a.pem and aborts any other SNI (-servername_fatal)
        try (SServer s = rev("server", "-servername", "a.test", "-cert2", "a.pem", "-key2", "a.key",
                "-servername_fatal")) {
            Coroutine.run(() -> {
                Client c = tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "a.test"));
                roundTrip(c, "127.0.0.1", s.port());
                Client sni = tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "a.test"));
                assertThat(sni.connect("127.0.0.1", s.port(), 10)).isTrue();
                assertThat(sni.getPeerCert()).contains(pemBody("a.pem"));
                sni.close();
                // a name the certificate does not carry: SNI b.test is aborted by the server
                refused(tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "b.test")), s.port(),
                        Client.SSL_HANDSHAKE_FAILED, "SSL handshake failed");
            });
        }
    }

    private static String pemBody(String name) {
        try {
            String pem = Files.readString(dir.resolve(name));
            return pem.substring(pem.indexOf('\n') + 1, pem.indexOf('\n') + 60);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWrongHostNameIsRefused() throws Exception {
        try (SServer s = rev("server")) {
            Coroutine.run(() -> {
                refused(tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "wrong.test")), s.port(),
                        Client.SSL_VERIFY_FAILED, "host name 'wrong.test' does not match");
                Client ok = tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "localhost"));
                roundTrip(ok, "127.0.0.1", s.port());
            });
        }
        try (SServer s = rev("a")) { // a.test only: the address 127.0.0.1 is not in it
            Coroutine.run(() -> refused(tls(Map.of("ssl_cafile", file("ca.pem"))), s.port(),
                    Client.SSL_VERIFY_FAILED, "host name '127.0.0.1' does not match the server's certificate"));
        }
    }

    @Test
    void aSelfSignedCertificateIsRefusedUnlessAllowedOrTrusted() throws Exception {
        try (SServer s = rev("self")) {
            Coroutine.run(() -> {
                refused(new Client(Client.Type.TCP, Client.SSL), s.port(), Client.SSL_VERIFY_FAILED,
                        "SSL verify failed");
                refused(tls(Map.of("ssl_cafile", file("ca.pem"))), s.port(), Client.SSL_VERIFY_FAILED,
                        "SSL verify failed");
                roundTrip(tls(Map.of("ssl_allow_self_signed", true)), "127.0.0.1", s.port());
                roundTrip(tls(Map.of("ssl_cafile", file("self.pem"))), "127.0.0.1", s.port());
                // allowed, but still for its own names only
                refused(tls(Map.of("ssl_allow_self_signed", true, "ssl_host_name", "other.test")), s.port(),
                        Client.SSL_VERIFY_FAILED, "does not match");
            });
        }
    }

    @Test
    void aClientCertificateIsSentWhenTheServerRequiresOne() throws Exception {
        try (SServer s = rev("server", "-Verify", "2", "-CAfile", "ca.pem")) {
            Coroutine.run(() -> {
                roundTrip(tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_cert_file", file("client.pem"),
                        "ssl_key_file", file("client.key"))), "127.0.0.1", s.port());
                Client without = tls(Map.of("ssl_cafile", file("ca.pem")));
                // TLSv1.3: the client's part of the handshake ends before the server judges it; the alert comes next
                if (without.connect("127.0.0.1", s.port(), 10)) {
                    without.send("hello tls\n");
                    byte[] got = without.recv(10);
                    assertThat(got == null || got.length == 0).as("no answer without a certificate").isTrue();
                }
                // the alert, or (when a reset overtook it) a broken connection
                assertThat(without.errCode()).as(without.errMsg()).isIn(Client.SSL_HANDSHAKE_FAILED,
                        Client.ECONNRESET, 0);
                if (without.errCode() == Client.SSL_HANDSHAKE_FAILED) {
                    assertThat(without.errMsg()).contains("certificate_required");
                }
                without.close();
            });
            assertThat(s.log()).contains("CN = jswoole client");
        }
    }

    @Test
    void verifyDepthCountsTheCertificatesBelowTheCa() throws Exception {
        try (SServer s = rev("leaf", "-cert_chain", "inter.pem")) {
            Coroutine.run(() -> {
                roundTrip(tls(Map.of("ssl_cafile", file("ca.pem"))), "127.0.0.1", s.port());
                roundTrip(tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_verify_depth", 1)), "127.0.0.1",
                        s.port());
                refused(tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_verify_depth", 0)), s.port(),
                        Client.SSL_VERIFY_FAILED, "exceeds ssl_verify_depth 0");
            });
        }
    }

    @Test
    void protocolsAndCiphersAreThoseSet() throws Exception {
        try (SServer s = rev("server", "-tls1_2", "-cipher", "ECDHE-RSA-AES256-GCM-SHA384")) {
            Coroutine.run(() -> {
                Map<String, Object> base = new HashMap<>(Map.of("ssl_cafile", file("ca.pem")));
                roundTrip(tls(base), "127.0.0.1", s.port());
                base.put("ssl_ciphers", "ECDHE+AES256+AESGCM");
                roundTrip(tls(base), "127.0.0.1", s.port());
                base.put("ssl_ciphers", "ECDHE-RSA-AES128-GCM-SHA256");
                refused(tls(base), s.port(), Client.SSL_HANDSHAKE_FAILED, "SSL handshake failed");
                base.remove("ssl_ciphers");
                base.put("ssl_protocols", SslProtocol.TLSv1_3);
                refused(tls(base), s.port(), Client.SSL_HANDSHAKE_FAILED, "SSL handshake failed");
            });
            assertThat(s.log()).contains("ECDHE-RSA-AES256-GCM-SHA384");
        }
    }

    /**
     * jswoole's own TLS port: SNI picks {@code a.pem} from {@code ssl_sni_certs}, and with
     * {@code ssl_client_cert_file} the server sees the client's certificate in {@code getClientInfo}.
     */
    @Test
    void aJswooleTlsServerSeesTheClientsCertificate() throws Exception {
        io.jswoole.server.Server server = new io.jswoole.server.Server("127.0.0.1", 0,
                io.jswoole.server.Mode.BASE, io.jswoole.server.SockType.TCP, io.jswoole.server.SockType.SSL);
        server.set(Map.of("worker_num", 1, "ssl_cert_file", file("server.pem"), "ssl_key_file", file("server.key"),
                "ssl_client_cert_file", file("ca.pem"), "ssl_sni_certs", Map.of("a.test", Map.of("ssl_cert_file",
                        file("a.pem"), "ssl_key_file", file("a.key")))));
        server.onReceive((x, fd, rid, data) -> x.send(fd, x.getClientInfo(fd)
                .flatMap(io.jswoole.server.ClientInfo::sslClientCert).map(pem -> pem.contains(pemBody("client.pem"))
                        ? "client cert\n" : "other cert\n").orElse("no cert\n")));
        try (io.jswoole.server.Running r = io.jswoole.server.Running.start(server)) {
            Coroutine.run(() -> {
                Client c = tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_cert_file", file("client.pem"),
                        "ssl_key_file", file("client.key")));
                assertThat(c.connect("127.0.0.1", r.port(), 10)).as(c.errMsg()).isTrue();
                assertThat(c.getPeerCert()).contains(pemBody("server.pem"));
                c.send("who\n");
                assertThat(new String(c.recv(10), StandardCharsets.UTF_8)).isEqualTo("client cert\n");
                c.close();
                Client anonymous = tls(Map.of("ssl_cafile", file("ca.pem"), "ssl_host_name", "a.test"));
                assertThat(anonymous.connect("127.0.0.1", r.port(), 10)).as(anonymous.errMsg()).isTrue();
                assertThat(anonymous.getPeerCert()).as("SNI a.test").contains(pemBody("a.pem"));
                anonymous.send("who\n");
                assertThat(new String(anonymous.recv(10), StandardCharsets.UTF_8)).isEqualTo("no cert\n");
                anonymous.close();
            });
        }
    }

    @Test
    void framingTimeoutsAndCloseWorkOverTls() throws Exception {
        try (SServer s = rev("server")) {
            Coroutine.run(() -> {
                Client c = tls(Map.of("ssl_cafile", file("ca.pem"), "open_eof_split", true, "package_eof", "\n"));
                assertThat(c.connect("127.0.0.1", s.port(), 10)).isTrue();
                assertThat(c.recv(0.2)).as("nothing sent yet").isNull();
                assertThat(c.errCode()).isEqualTo(Client.ETIMEDOUT);
                c.send("one\ntwo\n");
                assertThat(new String(c.recv(10), StandardCharsets.UTF_8)).isEqualTo("eno\n");
                assertThat(new String(c.recv(10), StandardCharsets.UTF_8)).isEqualTo("owt\n");
                assertThat(c.recv(0.2)).isNull(); // a read left pending on the TLS socket
                long t0 = System.nanoTime();
                c.close();
                assertThat((System.nanoTime() - t0) / 1e9).as("close with a read pending").isLessThan(2);
                assertThat(c.isConnected()).isFalse();
                assertThat(c.send("x")).isEqualTo(-1);
            });
        }
    }

    /** A server context for {@code server.pem}, for the STARTTLS test server. */
    private static javax.net.ssl.SSLContext serverContext() throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", io.jswoole.tls.Pem.privateKey(dir.resolve("server.key")), new char[0],
                io.jswoole.tls.Pem.certificates(dir.resolve("server.pem")).toArray(new java.security.cert.Certificate[0]));
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, new char[0]);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /**
     * STARTTLS: a plain exchange, then {@code enableSSL}; the plaintext the server sent after its OK (in the same
     * write) is dropped rather than returned as if it had come over TLS.
     */
    @Test
    void enableSslUpgradesAPlainConnection() throws Exception {
        javax.net.ssl.SSLContext ctx = serverContext();
        try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket plain = ss.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(plain.getInputStream()));
                    if (!"STARTTLS".equals(in.readLine())) {
                        return;
                    }
                    plain.getOutputStream().write("OK\nINJECTED\n".getBytes(StandardCharsets.UTF_8));
                    try (var tls = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(plain, null, true)) {
                        tls.setUseClientMode(false);
                        var tin = new java.io.BufferedReader(new java.io.InputStreamReader(tls.getInputStream()));
                        tls.getOutputStream().write(("secure " + tin.readLine() + "\n").getBytes(StandardCharsets.UTF_8));
                        tls.getOutputStream().flush();
                        tin.readLine();
                    }
                } catch (java.io.IOException e) {
                    // the test ends the connection
                }
            });
            Coroutine.run(() -> {
                Client c = new Client(Client.Type.TCP);
                c.set(Map.of("open_eof_split", true, "package_eof", "\n", "ssl_cafile", file("ca.pem")));
                assertThat(c.enableSSL()).as("not connected").isFalse();
                assertThat(c.connect("127.0.0.1", ss.getLocalPort(), 10)).as(c.errCode() + " " + c.errMsg()).isTrue();
                c.send("STARTTLS\n");
                assertThat(new String(c.recv(10), StandardCharsets.UTF_8)).isEqualTo("OK\n");
                assertThat(c.enableSSL()).as(c.errCode() + " " + c.errMsg()).isTrue();
                assertThat(c.getPeerCert()).contains(pemBody("server.pem"));
                c.send("ping\n");
                assertThat(new String(c.recv(10), StandardCharsets.UTF_8)).isEqualTo("secure ping\n");
                assertThat(c.enableSSL()).isFalse();
                assertThat(c.errMsg()).contains("TLS is on already");
                c.close();
            });
        }
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeTimesOut() throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = ss.accept()) {
                    s.getInputStream().readAllBytes(); // reads the ClientHello, says nothing
                } catch (java.io.IOException e) {
                    // the client gave up
                }
            });
            Coroutine.run(() -> {
                Client c = new Client(Client.Type.TCP, Client.SSL);
                long t0 = System.nanoTime();
                assertThat(c.connect("127.0.0.1", ss.getLocalPort(), 0.5)).isFalse();
                assertThat(c.errCode()).isEqualTo(Client.ETIMEDOUT);
                assertThat((System.nanoTime() - t0) / 1e9).isLessThan(5);
            });
        }
    }

    @Test
    void settingsThatCannotBeHonouredAreRefusedByName() {
        Client c = new Client(Client.Type.TCP, Client.SSL);
        assertThatThrownBy(() -> c.set(Map.of("ssl_passphrase", "x"))).hasMessageContaining("ssl_passphrase");
        assertThatThrownBy(() -> c.set(Map.of("ssl_sni_certs", Map.of()))).hasMessageContaining("ssl_sni_certs")
                .hasMessageContaining("ssl_host_name");
        assertThatThrownBy(() -> c.set(Map.of("ssl_verify_peer", false, "ssl_cafile", file("ca.pem"))))
                .hasMessageContaining("ssl_cafile").hasMessageContaining("ssl_verify_peer");
        assertThatThrownBy(() -> c.set(Map.of("ssl_cert_file", file("client.pem"))))
                .hasMessageContaining("ssl_key_file");
        assertThatThrownBy(() -> c.set(Map.of("ssl_cert_file", file("client.pem"), "ssl_key_file",
                file("a.key")))).hasMessageContaining("does not match");
        assertThatThrownBy(() -> c.set(Map.of("ssl_cafile", file("missing.pem")))).hasMessageContaining(
                "missing.pem");
        assertThatThrownBy(() -> c.set(Map.of("ssl_verify_peer", "yes"))).hasMessageContaining("ssl_verify_peer")
                .hasMessageContaining("boolean");
        assertThatThrownBy(() -> c.set(Map.of("ssl_ciphers", "NOSUCH"))).hasMessageContaining("ssl_ciphers");
        assertThatThrownBy(() -> c.set(Map.of("ssl_protocols", SslProtocol.SSLv3))).hasMessageContaining(
                "ssl_protocols");
        assertThatThrownBy(() -> new Client(Client.Type.UDP).set(Map.of("ssl_cafile", file("ca.pem"))))
                .hasMessageContaining("ssl_cafile").hasMessageContaining("does not have");
        assertThatThrownBy(() -> new Client(Client.Type.UDP, Client.SSL)).hasMessageContaining("DTLS");
        assertThatThrownBy(() -> new Client(Client.Type.UNIX_STREAM, Client.SSL)).hasMessageContaining("Unix");
    }
}
