package io.jswoole.websocket;

import io.jswoole.server.Mode;
import io.jswoole.server.SockType;
import java.util.Map;

/**
 * {@link WsApp} on its own port, plus a second port that speaks HTTP only ({@code open_http_protocol} on, {@code
 * open_websocket_protocol} off), as Swoole serves HTTP on a port from {@code listen()}. In PROCESS mode the worker
 * JVMs run {@link #main}.
 */
public final class TwoPortsApp {
    private TwoPortsApp() {
    }

    static WebSocketServer create(Mode mode) {
        WebSocketServer s = WsApp.create(mode);
        s.listen("127.0.0.1", 0, SockType.TCP).set(Map.of("open_http_protocol", true,
                "open_websocket_protocol", false));
        if (mode == Mode.PROCESS) {
            s.workerEntry(TwoPortsApp.class);
        }
        return s;
    }

    public static void main(String[] args) {
        create(Mode.PROCESS).start();
    }
}
