package io.jswoole.http;

import io.jswoole.server.Mode;
import io.jswoole.server.SockType;
import java.nio.file.Path;
import java.util.Map;

/**
 * The HTTPS application of {@link HttpsTest}, in every mode: {@code /hello} answers text, {@code /file} sends
 * {@code big.bin} with {@code sendfile} ({@code /huge}: {@code huge.bin}); in PROCESS mode the worker JVMs run {@link #main}.
 */
public final class HttpsApp {
    private HttpsApp() {
    }

    static HttpServer create(Mode mode, Path dir) {
        HttpServer s = new HttpServer("127.0.0.1", 0, mode, SockType.TCP, SockType.SSL);
        s.set(Map.of("worker_num", 1, "ssl_cert_file", dir.resolve("server.pem").toString(),
                "ssl_key_file", dir.resolve("server.key").toString()));
        s.onRequest((req, res) -> {
            switch (req.path()) {
                case "/hello" -> res.end("hello over " + req.server().get("server_protocol"));
                case "/file" -> res.sendfile(dir.resolve("big.bin").toString());
                case "/huge" -> res.sendfile(dir.resolve("huge.bin").toString());
                default -> {
                    res.status(404);
                    res.end();
                }
            }
        });
        if (mode == Mode.PROCESS) {
            s.workerEntry(HttpsApp.class, dir.toString());
        }
        return s;
    }

    public static void main(String[] args) {
        create(Mode.PROCESS, Path.of(args[0])).start();
    }
}
