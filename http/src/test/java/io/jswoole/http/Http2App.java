package io.jswoole.http;

import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.SockType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The HTTP/2 application of {@link Http2Test}, in every mode: an HttpServer with {@code open_http2_protocol} on
 * its cleartext port (h2c, HTTP/1.1) and on a TLS port from {@code listen} (h2 by ALPN, HTTP/1.1). In PROCESS mode
 * the worker JVMs run {@link #main}. {@code extra} settings come as {@code key=value} pairs (integers).
 */
public final class Http2App {
    private Http2App() {
    }

    static HttpServer create(Mode mode, Path dir, String... extra) {
        HttpServer s = new HttpServer("127.0.0.1", 0, mode);
        Map<String, Object> set = new HashMap<>(Map.of("worker_num", 2, "open_http2_protocol", true,
                "document_root", dir.toString(), "enable_static_handler", true,
                "static_handler_locations", java.util.List.of("/static")));
        for (String kv : extra) {
            String[] p = kv.split("=", 2);
            set.put(p[0], Long.parseLong(p[1]));
        }
        s.set(set);
        Port tls = s.listen("127.0.0.1", 0, SockType.TCP, SockType.SSL);
        tls.set(Map.of("open_http_protocol", true, "ssl_cert_file", dir.resolve("server.pem").toString(),
                "ssl_key_file", dir.resolve("server.key").toString()));
        s.onRequest((req, res) -> {
            switch (req.path()) {
                case "/hello" -> res.end("hello over " + req.server().get("server_protocol") + " stream "
                        + req.streamId());
                case "/echo" -> {
                    res.header("Content-Type", "application/octet-stream");
                    res.end(req.rawContent());
                }
                case "/form" -> res.end("a=" + req.post().get("a") + " cookie=" + req.cookie().get("c") + ","
                        + req.cookie().get("d"));
                case "/stream" -> {
                    res.header("Content-Type", "text/plain");
                    for (int i = 0; i < 3; i++) {
                        res.write("part" + i + "\n");
                    }
                    res.trailer("x-checksum", "abc123");
                    res.end();
                }
                case "/file" -> res.sendfile(dir.resolve("big.bin").toString());
                case "/ping" -> res.end("ping " + res.ping());
                case "/goaway" -> {
                    res.goaway(0, "bye");
                    res.end("goaway sent");
                }
                case "/sleep" -> {
                    io.jswoole.coroutine.Coroutine.sleep(Double.parseDouble(req.get().getOrDefault("s", "0.2")));
                    res.end("slept");
                }
                case "/detach" -> {
                    res.detach();
                    int fd = req.fd();
                    io.jswoole.coroutine.Coroutine.go(() -> {
                        io.jswoole.coroutine.Coroutine.sleep(0.1);
                        Response later = Response.create(s, fd);
                        later.end("answered later");
                    });
                }
                case "/flood" -> { // 12.5 MiB to whoever asks
                    boolean ok = true;
                    for (int i = 0; i < 200 && ok; i++) {
                        ok = res.write(new byte[65536]);
                    }
                    res.end();
                }
                case "/pid" -> res.end(Long.toString(ProcessHandle.current().pid()));
                case "/stall" -> {
                    res.write("started");
                    io.jswoole.coroutine.Coroutine.sleep(60);
                    res.end("late");
                }
                case "/throw" -> throw new IllegalStateException("a handler that fails before answering (test)");
                case "/fail" -> {
                    res.write("started");
                    throw new IllegalStateException("a handler that fails mid-body (test)");
                }
                default -> {
                    res.status(404);
                    res.end("not found");
                }
            }
        });
        if (mode == Mode.PROCESS) {
            String[] args = new String[extra.length + 1];
            args[0] = dir.toString();
            System.arraycopy(extra, 0, args, 1, extra.length);
            s.workerEntry(Http2App.class, args);
        }
        return s;
    }

    public static void main(String[] args) {
        String[] extra = new String[args.length - 1];
        System.arraycopy(args, 1, extra, 0, extra.length);
        create(Mode.PROCESS, Path.of(args[0]), extra).start();
    }
}
