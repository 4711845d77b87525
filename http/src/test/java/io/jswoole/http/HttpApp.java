package io.jswoole.http;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Settings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The HTTP application of the tests that run in BASE, THREAD and PROCESS mode: in PROCESS mode the worker JVMs
 * run {@link #main}, which builds the same server. Everything it does is visible in its responses (a worker JVM
 * shares no memory with the test).
 */
public final class HttpApp {
    private HttpApp() {
    }

    /** A server whose files (uploads, {@code f.txt} for /file) live in {@code dir}. */
    static HttpServer create(Mode mode, Path dir, Map<String, Object> extra) {
        HttpServer s = new HttpServer("127.0.0.1", 0, mode);
        Map<String, Object> settings = new HashMap<>(Map.of("worker_num", 2, "task_worker_num", 1,
                "upload_tmp_dir", dir.resolve("up").toString(), "package_max_length", "1M"));
        settings.putAll(extra);
        s.set(settings);
        s.onRequest((req, res) -> route(s, dir, req, res));
        // a task worker answers a detached response (Response.create from another worker or JVM)
        s.onTask((srv, taskId, src, data) -> {
            Response r = Response.create(s, (Integer) data);
            r.header("Content-Type", "text/plain");
            r.end("answered by a task worker: " + srv.isTaskWorker());
            return null;
        });
        if (mode == Mode.PROCESS) {
            String[] args = new String[extra.size() + 1];
            args[0] = dir.toString();
            int i = 1;
            for (Map.Entry<String, Object> e : extra.entrySet()) {
                args[i++] = e.getKey() + "=" + e.getValue();
            }
            s.workerEntry(HttpApp.class, args);
        }
        return s;
    }

    private static void route(HttpServer srv, Path dir, Request req, Response res) {
        res.header("Content-Type", "text/plain");
        switch (req.path()) {
            case "/info" -> res.end("method=" + req.getMethod() + " get=" + new TreeMap<>(req.get())
                    + " cookie=" + new TreeMap<>(req.cookie()) + " ua=" + req.header().get("user-agent")
                    + " x=" + req.header().get("x-test") + " uri=" + req.server().get("request_uri")
                    + " qs=" + req.server().get("query_string") + " proto=" + req.server().get("server_protocol")
                    + " addr=" + req.server().get("remote_addr") + " port=" + req.server().get("server_port")
                    + " fd=" + req.fd());
            case "/post" -> res.end("post=" + new TreeMap<>(req.post()) + " raw=" + req.getContent().length());
            case "/upload" -> {
                StringBuilder sb = new StringBuilder("post=" + new TreeMap<>(req.post()));
                req.files().forEach((k, f) -> sb.append(" ").append(k).append(":").append(f.name()).append(":")
                        .append(f.size()).append(":").append(f.type()).append(":").append(f.error())
                        .append(" tmp=").append(f.tmpName()).append(" exists=").append(Files.exists(f.tmpName())));
                res.end(sb.toString());
            }
            case "/echo" -> res.end(req.rawContent());
            case "/data" -> res.end(new String(req.getData(), StandardCharsets.ISO_8859_1));
            case "/status" -> {
                res.status(418, "I'm a teapot");
                res.header("x-custom-header", "v1");
                res.cookie("session", "a b;c", System.currentTimeMillis() / 1000 + 3600, "/", "", true, true,
                        "Strict", "High", false);
                res.rawcookie("raw", "x%20y");
                res.end("teapot");
            }
            case "/chunked" -> {
                res.write("part1,");
                res.write("part2,");
                res.end("end");
            }
            case "/trailer" -> {
                res.trailer("x-checksum", "abc");
                res.write("body");
                res.end();
            }
            case "/file" -> res.sendfile(dir.resolve("f.txt").toString(), 2, 5);
            case "/redirect" -> res.redirect("/info", 301);
            case "/throw" -> throw new IllegalStateException("secret internal detail");
            case "/detach" -> {
                res.detach();
                int fd = req.fd();
                Thread.ofPlatform().start(() -> {
                    Response r = Response.create(srv, fd);
                    r.header("Content-Type", "text/plain");
                    r.end("from another thread, writable=" + r.isWritable());
                });
            }
            case "/task-answer" -> {
                res.detach();
                srv.task(req.fd());
            }
            case "/sleep" -> {
                try {
                    Thread.sleep(Long.parseLong(req.get().get("ms")));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                res.end("slept=" + req.get().get("ms") + ";");
            }
            case "/stall" -> {
                // the first piece goes out, then the worker stalls (a test kills it)
                res.write("part1,");
                Coroutine.sleep(Double.parseDouble(req.get().getOrDefault("s", "30")));
                res.end("end");
            }
            case "/pid" -> res.end(Long.toString(ProcessHandle.current().pid()));
            case "/sleep-count" -> { // sleeps, then says how many coroutines its worker has
                try {
                    Thread.sleep(Long.parseLong(req.get().get("ms")));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                res.end(String.valueOf(srv.stats().get("coroutine_num")));
            }
            case "/big" -> res.end("x".repeat(5000));
            case "/too-big" -> {
                // buffer_output_size: a body past it is refused and the response stays open for a smaller one
                boolean sent = res.end("y".repeat(Integer.parseInt(req.get().get("n"))));
                if (!sent) {
                    res.end("refused " + io.jswoole.LastError.get());
                }
            }
            case "/chunk-too-big" -> {
                res.write("small,");
                boolean sent = res.write("y".repeat(Integer.parseInt(req.get().get("n"))));
                res.end(sent ? "sent" : "refused " + io.jswoole.LastError.get());
            }
            case "/headers" -> {
                res.header("Link", java.util.List.of("</a.css>; rel=preload", "</b.js>; rel=preload"));
                res.header("X-Trim", " \tspaced\t ");
                res.end(String.join("|", req.headers("x-rep")) + " joined=" + req.header().get("x-rep"));
            }
            default -> {
                res.status(404);
                res.end("no");
            }
        }
    }

    /** A worker JVM of PROCESS mode: {@code dir key=value...}. */
    public static void main(String[] args) {
        Map<String, Object> extra = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            extra.put(kv[0], HttpSettings.handles(kv[0]) ? HttpSettings.parse(kv[0], kv[1])
                    : Settings.parse(kv[0], kv[1]));
        }
        create(Mode.PROCESS, Path.of(args[0]), extra).start();
    }
}
