package io.jswoole.examples;

import io.jswoole.http.HttpServer;
import io.jswoole.http.UploadedFile;
import io.jswoole.server.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code http-hello}: GET / answers {@code Hello, World!} as text/plain; {@code /sleep?ms=N} sleeps N ms in the
 * handler (a coroutine: other requests go on); {@code /echo} echoes a POST body; {@code /upload} stores the
 * uploaded files (multipart) in {@code <java.io.tmpdir>/jswoole-uploads} and lists them; with
 * {@code document_root} set, files under it are served by the static handler.
 */
public final class HttpHello {
    private HttpHello() {
    }

    /** Where {@code /upload} keeps files. */
    public static final Path UPLOADS = Path.of(System.getProperty("java.io.tmpdir"), "jswoole-uploads");

    public static HttpServer create(String host, int port, Mode mode, Map<String, Object> settings) {
        HttpServer server = new HttpServer(host, port, mode);
        Map<String, Object> s = new LinkedHashMap<>(settings);
        if (s.containsKey("document_root")) {
            s.putIfAbsent("enable_static_handler", true);
        }
        server.set(s);
        server.onRequest((req, res) -> {
            res.header("Content-Type", "text/plain; charset=utf-8");
            switch (req.path()) {
                case "/" -> res.end("Hello, World!");
                case "/sleep" -> {
                    long ms = Math.max(0, Math.min(60_000, parse(req.get().get("ms"))));
                    try {
                        Thread.sleep(ms);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    res.end("slept " + ms + " ms\n");
                }
                case "/echo" -> {
                    String type = req.header().get("content-type");
                    if (type != null) {
                        res.header("Content-Type", type);
                    }
                    res.end(req.rawContent());
                }
                case "/upload" -> res.end(store(req.files()));
                default -> {
                    res.status(404);
                    res.end("Not Found\n");
                }
            }
        });
        return server;
    }

    /**
     * Runs the example: {@code HttpHello [host [port [base|thread|process [key=value ...]]]]}, values typed as
     * {@code set()} types them (the {@code jswoole run http-hello} command offers the same with its flags).
     */
    public static void main(String[] args) {
        Args a = Args.parse(args, 9501);
        create(a.host(), a.port(), a.mode(), a.settings()).start();
    }

    private static String store(Map<String, UploadedFile> files) {
        if (files.isEmpty()) {
            return "POST a multipart form with files, e.g. curl -F f=@file http://HOST:PORT/upload\n";
        }
        StringBuilder sb = new StringBuilder();
        try {
            Files.createDirectories(UPLOADS);
            for (Map.Entry<String, UploadedFile> e : files.entrySet()) {
                UploadedFile f = e.getValue();
                String name = Path.of(f.name().isEmpty() ? "unnamed" : f.name()).getFileName().toString();
                Path dest = UPLOADS.resolve(System.currentTimeMillis() + "-" + name);
                Files.move(f.tmpName(), dest, StandardCopyOption.REPLACE_EXISTING);
                sb.append(e.getKey()).append(": ").append(f.size()).append(" bytes -> ").append(dest).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    private static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
