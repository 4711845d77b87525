package io.jswoole.http;

import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.SockType;
import java.nio.file.Path;
import java.util.Map;

/**
 * The application of {@link Http2PortsTest}: one HttpServer whose ports differ in {@code open_http2_protocol}.
 * With {@code serverH2} true the server's own cleartext port inherits h2c, a TLS port turns HTTP/2 off for itself
 * (ALPN http/1.1 only) and a second TLS port inherits h2; with it false the server's port is HTTP/1.1 only and the
 * TLS and cleartext ports after it turn HTTP/2 on for themselves. Ports: 0 the server's, 1 and 2 TLS, 3 cleartext.
 * In PROCESS mode the worker JVMs run {@link #main}.
 */
public final class Http2PortsApp {
    private Http2PortsApp() {
    }

    static HttpServer create(Mode mode, Path dir, boolean serverH2) {
        HttpServer s = new HttpServer("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 2, "open_http2_protocol", serverH2));
        Map<String, Object> tls = Map.of("ssl_cert_file", dir.resolve("server.pem").toString(),
                "ssl_key_file", dir.resolve("server.key").toString());
        Port h1 = s.listen("127.0.0.1", 0, SockType.TCP, SockType.SSL);
        h1.set(tls);
        h1.set(serverH2 ? Map.of("open_http_protocol", true, "open_http2_protocol", false)
                : Map.of("open_http_protocol", true)); // server off: inherits HTTP/1.1 only
        Port h2 = s.listen("127.0.0.1", 0, SockType.TCP, SockType.SSL);
        h2.set(tls);
        h2.set(serverH2 ? Map.of("open_http_protocol", true) : Map.of("open_http2_protocol", true)); // alone: HTTP
        Port h2c = s.listen("127.0.0.1", 0, SockType.TCP);
        h2c.set(Map.of("open_http_protocol", true, "open_http2_protocol", true));
        s.onRequest((req, res) -> res.end(req.server().get("server_protocol") + " on port "
                + req.server().get("server_port")));
        if (mode == Mode.PROCESS) {
            s.workerEntry(Http2PortsApp.class, dir.toString(), Boolean.toString(serverH2));
        }
        return s;
    }

    public static void main(String[] args) {
        create(Mode.PROCESS, Path.of(args[0]), Boolean.parseBoolean(args[1])).start();
    }
}
