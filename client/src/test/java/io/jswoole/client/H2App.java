package io.jswoole.client;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.http.HttpServer;
import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.SockType;
import java.nio.file.Path;
import java.util.Map;

/**
 * The jswoole HTTP/2 server of {@link Http2ClientTest}: {@code open_http2_protocol} on a clear-text port (h2c) and
 * on a TLS port (h2 by ALPN), in any mode (PROCESS workers run {@link #main}).
 */
public final class H2App {
    private H2App() {
    }

    static HttpServer create(Mode mode, Path dir) {
        HttpServer s = new HttpServer("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 2, "open_http2_protocol", true, "package_max_length", 64 << 20,
                "socket_buffer_size", 32 << 20));
        Port tls = s.listen("127.0.0.1", 0, SockType.TCP, SockType.SSL);
        tls.set(Map.of("open_http_protocol", true, "ssl_cert_file", dir.resolve("server.pem").toString(),
                "ssl_key_file", dir.resolve("server.key").toString()));
        s.onRequest((req, res) -> {
            switch (req.path()) {
                case "/hello" -> res.end("hello " + req.get().get("i") + " over "
                        + req.server().get("server_protocol"));
                case "/echo" -> {
                    res.header("Content-Type", "application/octet-stream");
                    res.end(req.rawContent());
                }
                case "/big" -> { // n MiB in 64 KiB writes
                    int n = Integer.parseInt(req.get().getOrDefault("n", "1"));
                    byte[] chunk = new byte[65536];
                    for (int i = 0; i < chunk.length; i++) {
                        chunk[i] = (byte) i;
                    }
                    for (int i = 0; i < n * 16; i++) {
                        res.write(chunk);
                    }
                    res.end();
                }
                case "/stream" -> {
                    for (int i = 0; i < 3; i++) {
                        res.write("part" + i + "\n");
                        Coroutine.sleep(0.05);
                    }
                    res.trailer("x-checksum", "abc123");
                    res.end();
                }
                case "/cookie" -> {
                    res.cookie("s", "v1");
                    res.end("cookie c=" + req.cookie().get("c"));
                }
                case "/goaway" -> {
                    res.goaway(0, "bye");
                    res.end("goaway sent");
                }
                default -> {
                    res.status(404);
                    res.end("not found");
                }
            }
        });
        if (mode == Mode.PROCESS) {
            s.workerEntry(H2App.class, new String[] {dir.toString()});
        }
        return s;
    }

    public static void main(String[] args) {
        create(Mode.PROCESS, Path.of(args[0])).start();
    }
}
