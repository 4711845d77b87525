package com.example;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import io.jswoole.websocket.WebSocketServer;
import java.util.Map;

/**
 * What a user writes: {@code App http} serves HTTP and WebSocket in BASE mode, {@code App tcp} a line echo in
 * PROCESS mode whose worker JVM answers {@code pid} with its process id. Both print {@code READY <port>} once they
 * serve (port 0 picks a free one).
 */
public final class App {
    private App() {
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "http";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 9501;
        Server server = what.equals("tcp") ? tcp(port, args) : http(port);
        server.onStart(srv -> System.out.println("READY " + srv.port()));
        server.start();
        System.out.println("STOPPED");
    }

    private static Server http(int port) {
        WebSocketServer ws = new WebSocketServer("127.0.0.1", port, Mode.BASE);
        ws.set(Map.of("worker_num", 2));
        ws.onRequest((req, res) -> {
            res.header("Content-Type", "text/plain");
            switch (req.path()) {
                case "/slow" -> {
                    Coroutine.sleep(Double.parseDouble(req.get().getOrDefault("s", "1")));
                    res.end("slow answer");
                }
                default -> res.end("hello from " + req.path());
            }
        });
        ws.onMessage((srv, frame) -> srv.push(frame.fd(), "echo: " + frame.text()));
        return ws;
    }

    private static Server tcp(int port, String[] args) {
        Server s = new Server("127.0.0.1", port, Mode.PROCESS);
        s.workerEntry(App.class, args); // worker JVMs run this main too, also under mvn exec:java or an IDE
        s.set(Map.of("worker_num", 1, "open_eof_split", true, "package_eof", "\n"));
        s.onReceive((srv, fd, reactorId, data) -> {
            String line = new String(data).trim();
            srv.send(fd, (line.equals("pid") ? String.valueOf(ProcessHandle.current().pid()) : line) + "\n");
        });
        return s;
    }
}
