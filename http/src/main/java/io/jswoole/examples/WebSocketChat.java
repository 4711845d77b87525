package io.jswoole.examples;

import io.jswoole.server.Mode;
import io.jswoole.websocket.WebSocketServer;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code websocket-chat}: an HTML page at / with a chat box; every message is broadcast to every open socket, with
 * "joined" and "left" notices. Each participant is named after its fd ({@code user-3}).
 */
public final class WebSocketChat {
    private WebSocketChat() {
    }

    public static WebSocketServer create(String host, int port, Mode mode, Map<String, Object> settings) {
        WebSocketServer server = new WebSocketServer(host, port, mode);
        server.set(settings);
        Set<Integer> members = ConcurrentHashMap.newKeySet();
        server.onRequest((req, res) -> {
            if (!req.path().equals("/")) {
                res.status(404);
                res.end("Not Found\n");
                return;
            }
            res.header("Content-Type", "text/html; charset=utf-8");
            res.end(PAGE);
        });
        server.onOpen((srv, req) -> {
            members.add(req.fd());
            broadcast(srv, members, "user-" + req.fd() + " joined");
        });
        server.onMessage((srv, frame) -> {
            String text = frame.text().strip();
            if (!text.isEmpty()) {
                broadcast(srv, members, "user-" + frame.fd() + ": " + text);
            }
        });
        server.onClose((srv, fd, reactorId) -> {
            if (members.remove(fd)) {
                broadcast(server, members, "user-" + fd + " left");
            }
        });
        return server;
    }

    private static void broadcast(WebSocketServer srv, Set<Integer> members, String line) {
        for (int fd : members) {
            srv.push(fd, line);
        }
    }

    static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>jswoole chat</title>
            <style>
              body { font-family: sans-serif; max-width: 40em; margin: 2em auto; }
              #log { border: 1px solid #ccc; height: 20em; overflow-y: auto; padding: .5em; }
              #log p { margin: .2em 0; }
              form { display: flex; gap: .5em; margin-top: .5em; }
              #msg { flex: 1; }
            </style>
            </head>
            <body data-state="connecting">
            <h1>jswoole chat</h1>
            <div id="log"></div>
            <form id="form"><input id="msg" autocomplete="off" placeholder="Say something"><button>Send</button></form>
            <script>
              const log = document.getElementById('log');
              const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/chat');
              ws.onopen = () => { document.body.dataset.state = 'open'; };
              ws.onclose = () => { document.body.dataset.state = 'closed'; };
              ws.onmessage = (e) => {
                const p = document.createElement('p');
                p.textContent = e.data;
                log.appendChild(p);
                log.scrollTop = log.scrollHeight;
              };
              document.getElementById('form').onsubmit = (e) => {
                e.preventDefault();
                const m = document.getElementById('msg');
                if (m.value && ws.readyState === WebSocket.OPEN) { ws.send(m.value); }
                m.value = '';
              };
            </script>
            </body>
            </html>
            """;
}
