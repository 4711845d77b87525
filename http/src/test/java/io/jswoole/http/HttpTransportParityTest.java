package io.jswoole.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import io.jswoole.server.TestCerts;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_http_server/*.phpt} about where a request comes from: Unix sockets, the
 * addresses in {@code server()}, HTTPS with SNI, client certificates and sendfile over TLS, on jswoole's
 * {@link HttpServer} with curl, openssl and raw sockets. Each method's Javadoc names the {@code .phpt} files it
 * ports.
 */
class HttpTransportParityTest {
    @TempDir
    static Path dir;
    static TestCerts sni;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa.create(dir);
        Path sniDir = Files.createDirectories(dir.resolve("sni"));
        sni = TestCerts.in(sniDir);
        for (String name : new String[] {"cs", "uk", "us"}) {
            sni.leaf(name, name + ".php.net", name + ".php.net");
        }
        sni.leaf("client", "client");
    }

    /** The handlers of the .phpt files: any stream socket (the kit's HttpRecipe makes TCP ones only). */
    public static class Handlers implements HttpRecipe {
        @Override
        public Server create(String host, Mode mode, SockType type) {
            return new HttpServer(host, 0, mode, type, 0);
        }

        @Override
        public void build(Server server, Probe probe) {
            ((HttpServer) server).onRequest((req, res) -> {
                switch (req.path()) {
                    case "/server" -> {
                        Map<String, Object> s = req.server();
                        res.status(200, "status");
                        res.end(s.get("server_addr") + " " + s.get("server_port") + " " + s.get("remote_addr") + " "
                                + s.get("remote_port"));
                    }
                    case "/json" -> {
                        StringBuilder b = new StringBuilder("{");
                        req.get().forEach((k, v) -> b.append(b.length() > 1 ? "," : "").append('"').append(k)
                                .append("\":\"").append(v).append('"'));
                        res.end(b.append('}').toString());
                    }
                    case "/html" -> {
                        Random rnd = new Random(Long.parseLong(req.get().get("seed")));
                        byte[] b = new byte[Integer.parseInt(req.get().get("n"))];
                        rnd.nextBytes(b);
                        res.end(Base64.getEncoder().encodeToString(b));
                    }
                    case "/sendfile" -> {
                        res.header("Content-Type", "application/octet-stream");
                        res.header("Content-Disposition", "attachment; filename=recvfile.txt");
                        res.sendfile(req.get().get("file"));
                    }
                    default -> res.end("Hello Swoole!");
                }
            });
        }
    }

    /** The same on HTTPS ({@code SWOOLE_SOCK_TCP | SWOOLE_SSL}). */
    public static final class Tls extends Handlers {
        @Override
        public Server create(String host, Mode mode, SockType type) {
            return new HttpServer(host, 0, mode, type, SockType.SSL);
        }
    }

    /**
     * {@code unixsocket.phpt}: 16 clients on a Unix stream socket send 12 requests each on their connection, every
     * answer a full head and {@code Hello Swoole!} (the .phpt's requests have no Host, which jswoole answers 400:
     * the deviation of {@code bug_2988.phpt}; here they carry one). {@code unixsocket2.phpt}: curl with
     * {@code --unix-socket} gets the query back as JSON. On a Unix socket {@code server_addr} is the socket's
     * path and {@code remote_addr} is empty, as Swoole's (the port's host; an unnamed client).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void unixSocketsAsSwoole(Mode mode) throws Exception {
        Path sock = dir.resolve("http-" + mode + ".sock");
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, sock.toString(),
                SockType.UNIX_STREAM, Map.of("worker_num", 2), Handlers.class, p))) {
            List<Callable<Integer>> clients = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                clients.add(() -> {
                    int ok = 0;
                    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                        ch.connect(UnixDomainSocketAddress.of(sock));
                        InputStream in = Channels.newInputStream(ch);
                        for (int n = 0; n < 12; n++) {
                            ch.write(ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                    .getBytes(StandardCharsets.ISO_8859_1)));
                            String head = HttpConcurrencyParityTest.head(in);
                            int len = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                            String body = new String(in.readNBytes(len), StandardCharsets.ISO_8859_1);
                            if (head.split("\n").length >= 5 && body.equals("Hello Swoole!")) {
                                ok++;
                            }
                        }
                    }
                    return ok;
                });
            }
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (Future<Integer> f : pool.invokeAll(clients)) {
                    assertThat(f.get()).isEqualTo(12);
                }
            }
            assertThat(Running.curl("--unix-socket", sock.toString(), "http://localhost/json?a=hello&b=12345&test=world"))
                    .isEqualTo("{\"a\":\"hello\",\"b\":\"12345\",\"test\":\"world\"}");
            assertThat(Running.curl("--unix-socket", sock.toString(), "http://localhost/server"))
                    .isEqualTo(sock + " 0  0");
        }
    }

    /**
     * {@code server_addr.phpt}: a server bound to 0.0.0.0, reached on the machine's own non-loopback address, has
     * that address as {@code server_addr} and {@code remote_addr}, and {@code server_port} is not
     * {@code remote_port}; {@code server_addr2.phpt}: the same reached on 127.0.0.1 (bug fixed: there was no
     * server_addr). The address is the connection's local one, not the bound 0.0.0.0.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void serverAddrIsTheAddressTheClientReached(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, "0.0.0.0", SockType.TCP,
                Map.of("worker_num", 1), Handlers.class, p))) {
            assertThat(serverLine("127.0.0.1", r.port())).matches("127\\.0\\.0\\.1 " + r.port() + " 127\\.0\\.0\\.1 \\d+");
            String ip = ownAddress();
            Assumptions.assumeTrue(ip != null, "no non-loopback IPv4 address on this machine");
            assertThat(serverLine(ip, r.port())).matches(ip.replace(".", "\\.") + " " + r.port() + " "
                    + ip.replace(".", "\\.") + " \\d+");
        }
    }

    /**
     * The same on IPv6 ({@code SWOOLE_SOCK_TCP6}, Swoole's {@code ::1}): both addresses in RFC 5952's short form,
     * as Swoole's inet_ntop prints them (bug fixed: remote_addr was {@code 0:0:0:0:0:0:0:1}). One mode: the strings
     * are made in {@code Request.server()} from what the connection (or, in a worker JVM, the master) reports, the
     * same code in every mode; {@link #serverAddrIsTheAddressTheClientReached} runs the path in all three.
     */
    @Test
    void ipv6AddressesAreShort() throws Exception {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getByName("::1"))) {
            probe.getLocalPort();
        } catch (java.io.IOException e) {
            Assumptions.abort("no IPv6 loopback on this machine: " + e);
        }
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(Mode.BASE, "::1", SockType.TCP6,
                Map.of("worker_num", 1), Handlers.class, p))) {
            assertThat(serverLine("::1", r.port())).matches("::1 " + r.port() + " ::1 \\d+");
        }
    }

    /** The answer to GET /server through {@code host}: server_addr server_port remote_addr remote_port. */
    private static String serverLine(String host, int port) throws Exception {
        try (Socket s = new Socket()) {
            s.setSoTimeout(5000);
            s.connect(new InetSocketAddress(host, port), 5000);
            s.getOutputStream().write("GET /server HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            String out = Running.readUntilClose(s);
            assertThat(out).startsWith("HTTP/1.1 200 status\r\n");
            String line = out.substring(out.indexOf("\r\n\r\n") + 4);
            assertThat(line).endsWith(" " + s.getLocalPort());
            return line;
        }
    }

    /** An IPv4 address of this machine that is not a loopback one (Swoole's get_server_ips()[1]), or null. */
    private static String ownAddress() throws Exception {
        for (NetworkInterface nif : NetworkInterface.networkInterfaces().toList()) {
            if (!nif.isUp() || nif.isLoopback()) {
                continue;
            }
            for (InetAddress a : nif.inetAddresses().toList()) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a.getHostAddress();
                }
            }
        }
        return null;
    }

    /**
     * {@code https.phpt}: an HTTPS server answers 2-64 KiB of base64 whole. {@code sni/server.phpt}: with
     * {@code ssl_sni_certs} for cs.php.net, uk.php.net and us.php.net, each name gets its certificate
     * (openssl s_client -servername). {@code sendfile_with_ssl.phpt}: twelve files of 0-640 KiB sent with
     * {@code sendfile} over TLS arrive whole (curl -k, as the .phpt's verify_peer false).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void httpsSniAndSendfileAsSwoole(Mode mode) throws Exception {
        Probe probe = Probe.create();
        Server server = Recipe.server(mode, Map.of("worker_num", 1, "ssl_cert_file", dir.resolve("server.pem")
                .toString(), "ssl_key_file", dir.resolve("server.key").toString()), Tls.class, probe);
        Map<String, Object> certs = new java.util.LinkedHashMap<>();
        for (String name : new String[] {"cs", "uk", "us"}) {
            certs.put(name + ".php.net", Map.of("ssl_cert_file", sni.cert(name).toString(), "ssl_key_file",
                    sni.key(name).toString()));
        }
        server.set(Map.of("ssl_sni_certs", certs)); // the reactor's (the PROCESS master's): no worker JVM needs it
        try (probe; Running r = Running.start(server)) {
            String base = "https://localhost:" + r.port();
            String ca = dir.resolve("ca.pem").toString();
            Random rnd = new Random(17);
            int n = 2048 + rnd.nextInt(65536 - 2048);
            byte[] html = new byte[n];
            new Random(42).nextBytes(html);
            assertThat(Running.curl("--cacert", ca, base + "/html?seed=42&n=" + n))
                    .isEqualTo(Base64.getEncoder().encodeToString(html));

            for (String name : new String[] {"cs", "uk", "us"}) {
                String pem = TestCerts.run(dir, "", "openssl", "s_client", "-connect", "127.0.0.1:" + r.port(),
                        "-servername", name + ".php.net");
                assertThat(TestCerts.run(dir, pem, "openssl", "x509", "-noout", "-subject"))
                        .contains("CN = " + name + ".php.net");
            }

            for (int i = 0; i < 12; i++) {
                byte[] file = new byte[rnd.nextInt(65535 * 10)];
                rnd.nextBytes(file);
                Path f = dir.resolve("sendfile-" + mode + ".txt");
                Files.write(f, file);
                Path got = dir.resolve("got-" + mode);
                Running.curl("-k", "-o", got.toString(), base + "/sendfile?file=" + f);
                assertThat(Files.readAllBytes(got)).as("file " + i + " of " + file.length + " bytes")
                        .isEqualTo(file);
            }
        }
    }

    /**
     * {@code client_ca.phpt}: with {@code ssl_verify_peer} and {@code ssl_cafile}, curl presenting a certificate
     * signed by that CA gets the answer; one without a certificate is refused in the handshake. One mode: TLS
     * ends in the reactor (the PROCESS master), the same handler in every mode ({@code TlsTest} runs mTLS in
     * all three).
     */
    @Test
    void aClientCertificateSignedByTheCaIsServed() throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(Mode.BASE, Map.of("worker_num", 1,
                "ssl_cert_file", dir.resolve("server.pem").toString(), "ssl_key_file",
                dir.resolve("server.key").toString(), "ssl_verify_peer", true, "ssl_verify_depth", 10,
                "ssl_cafile", sni.caCert.toString()), Tls.class, p))) {
            int n = 2048 + new Random(3).nextInt(65536 - 2048);
            byte[] html = new byte[n];
            new Random(3).nextBytes(html);
            String url = "https://127.0.0.1:" + r.port() + "/html?seed=3&n=" + n;
            assertThat(Running.curl("-k", "--cert", sni.cert("client").toString(), "--key",
                    sni.key("client").toString(), url)).isEqualTo(Base64.getEncoder().encodeToString(html));
            Process bare = new ProcessBuilder("curl", "-sS", "-k", "--max-time", "10", url).start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            bare.getInputStream().transferTo(out);
            assertThat(bare.waitFor()).as("curl without a certificate fails").isNotZero();
            assertThat(out.size()).isZero();
        }
    }
}
