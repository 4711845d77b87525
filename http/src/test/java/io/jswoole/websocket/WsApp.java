package io.jswoole.websocket;

import io.jswoole.server.Mode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The WebSocket application of the tests that run in every mode (in PROCESS mode the worker JVMs run
 * {@link #main}): what it does shows on the socket. On open it pushes {@code welcome <fd>}; a message
 * {@code status} is answered with the connection's websocket status and whether it is established, {@code bye}
 * closes with code 4000, {@code ping} sends a ping; anything else is echoed, and pushed once more from a plain
 * thread. Given a directory, it sets {@code open_websocket_close_frame} and writes the code and reason of each
 * close frame it receives to the file {@code <dir>/<fd>}, as {@code <code> <reason>} in UTF-8 (a worker JVM shares
 * no memory with the test).
 */
public final class WsApp {
    private WsApp() {
    }

    static WebSocketServer create(Mode mode) {
        return create(mode, null);
    }

    static WebSocketServer create(Mode mode, Path closeFrames) {
        WebSocketServer s = new WebSocketServer("127.0.0.1", 0, mode);
        Map<String, Object> settings = new HashMap<>(Map.of("worker_num", 2));
        if (closeFrames != null) {
            settings.put("open_websocket_close_frame", true);
        }
        s.set(settings);
        s.onOpen((srv, req) -> srv.push(req.fd(), "welcome " + req.fd()));
        s.onMessage((srv, f) -> {
            int fd = f.fd();
            if (f instanceof CloseFrame c) {
                record(closeFrames, c);
                return;
            }
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
            s.workerEntry(WsApp.class, closeFrames == null ? new String[0] : new String[] {closeFrames.toString()});
        }
        return s;
    }

    /** Writes {@code <code> <reason>} to {@code <dir>/<fd>} (through a rename: the test never reads half). */
    private static void record(Path dir, CloseFrame c) {
        try {
            Path tmp = dir.resolve(c.fd() + ".tmp");
            Files.writeString(tmp, c.code() + " " + c.reason(), StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(String.valueOf(c.fd())), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A worker JVM of PROCESS mode: the directory for close frames, if any, is the first argument. */
    public static void main(String[] args) {
        create(Mode.PROCESS, args.length > 0 ? Path.of(args[0]) : null).start();
    }
}
