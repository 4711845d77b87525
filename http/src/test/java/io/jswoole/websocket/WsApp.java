package io.jswoole.websocket;

import io.jswoole.server.Mode;
import java.util.Map;

/**
 * The WebSocket application of the tests that run in every mode (in PROCESS mode the worker JVMs run
 * {@link #main}): what it does shows on the socket. On open it pushes {@code welcome <fd>}; a message
 * {@code status} is answered with the connection's websocket status and whether it is established, {@code bye}
 * closes with code 4000, {@code ping} sends a ping; anything else is echoed, and pushed once more from a plain
 * thread.
 */
public final class WsApp {
    private WsApp() {
    }

    static WebSocketServer create(Mode mode) {
        WebSocketServer s = new WebSocketServer("127.0.0.1", 0, mode);
        s.set(Map.of("worker_num", 2));
        s.onOpen((srv, req) -> srv.push(req.fd(), "welcome " + req.fd()));
        s.onMessage((srv, f) -> {
            int fd = f.fd();
            switch (f.text()) {
                case "status" -> srv.push(fd, "status " + srv.websocketStatus(fd) + " " + srv.isEstablished(fd)
                        + " " + srv.isEstablished(fd + 1000));
                case "bye" -> srv.disconnect(fd, 4000, "bye");
                case "ping" -> srv.ping(fd, "p".getBytes());
                default -> {
                    srv.push(fd, "echo: " + f.text());
                    Thread.ofPlatform().start(() -> srv.push(fd, "pushed from a thread"));
                }
            }
        });
        s.onRequest((req, res) -> res.end("plain http " + req.path()));
        if (mode == Mode.PROCESS) {
            s.workerEntry(WsApp.class);
        }
        return s;
    }

    /** A worker JVM of PROCESS mode. */
    public static void main(String[] args) {
        create(Mode.PROCESS).start();
    }
}
