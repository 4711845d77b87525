package io.jswoole.examples;

import io.jswoole.cluster.Cluster;
import io.jswoole.server.Mode;
import io.jswoole.websocket.WebSocketServer;
import java.util.Map;

/**
 * {@code websocket-chat}: an HTML page at / with a chat box; every message is broadcast to every open socket, with
 * "joined" and "left" notices. Each participant is named after its fd ({@code user-3}). With
 * {@code cluster_redis} and {@code cluster_node_id} set it runs on several nodes: every socket joins the room
 * {@code chat}, messages go to the members on every node ({@code Cluster.broadcast}), and names carry the node
 * ({@code user-a#3}).
 */
public final class WebSocketChat {
    private WebSocketChat() {
    }

    public static WebSocketServer create(String host, int port, Mode mode, Map<String, Object> settings) {
        WebSocketServer server = new WebSocketServer(host, port, mode);
        server.set(settings);
        server.onRequest((req, res) -> {
            if (!req.path().equals("/")) {
                res.status(404);
                res.end("Not Found\n");
                return;
            }
            res.header("Content-Type", "text/html; charset=utf-8");
            res.end(PAGE);
        });
        boolean clustered = settings.containsKey("cluster_redis");
        server.onOpen((srv, req) -> {
            if (clustered) {
                Cluster.of(srv).join(req.fd(), ROOM);
            }
            say(srv, clustered, name(srv, clustered, req.fd()) + " joined");
        });
        server.onMessage((srv, frame) -> {
            String text = frame.text().strip();
            if (!text.isEmpty()) {
                say(srv, clustered, name(srv, clustered, frame.fd()) + ": " + text);
            }
        });
        // close fires for sockets that were WebSockets; the page's own HTTP connections leave silently
        server.onClose((srv, fd, reactorId) -> {
            if (clustered) {
                Cluster.of(srv).forget(fd);
            }
            say(server, clustered, name(srv, clustered, fd) + " left");
        });
        server.onDisconnect((srv, fd) -> { });
        return server;
    }

    /** The cluster room every chat socket joins. */
    static final String ROOM = "chat";

    private static String name(io.jswoole.server.Server srv, boolean clustered, int fd) {
        return "user-" + (clustered ? Cluster.of(srv).id(fd).toString() : Integer.toString(fd));
    }

    private static void say(WebSocketServer srv, boolean clustered, String line) {
        if (clustered) {
            Cluster.of(srv).broadcast(ROOM, line);
        } else {
            broadcast(srv, line);
        }
    }

    /**
     * What to type to start one more node of a clustered example (null without {@code cluster_redis}), for the
     * launcher to print: the next port and the next node id.
     */
    public static String nextNodeHint(String example, int port, Map<String, Object> settings) {
        Object url = settings.get("cluster_redis");
        if (url == null) {
            return null;
        }
        String id = String.valueOf(settings.get("cluster_node_id"));
        String next = id.length() == 1 && Character.isLowerCase(id.charAt(0)) && id.charAt(0) < 'z'
                ? String.valueOf((char) (id.charAt(0) + 1)) : id + "2";
        return "node " + id + " is in the cluster at " + url + "; start another node with:\n  ./jswoole run "
                + example + " --port " + (port + 1) + " --set cluster_redis=" + url + " --set cluster_node_id="
                + next;
    }

    /**
     * Sends {@code line} to every open WebSocket of the server, as Swoole's chat does ({@code connections} and
     * {@code isEstablished}): in PROCESS mode the members are spread over worker JVMs, so no worker's memory
     * holds them all.
     */
    private static void broadcast(WebSocketServer srv, String line) {
        for (int fd : srv.connections()) {
            if (srv.isEstablished(fd)) {
                srv.push(fd, line);
            }
        }
    }

    /**
     * Runs the example: {@code WebSocketChat [host [port [base|thread|process [key=value ...]]]]} (the
     * {@code jswoole run websocket-chat} command offers the same with its flags).
     */
    public static void main(String[] args) {
        Args a = Args.parse(args, 9502);
        create(a.host(), a.port(), a.mode(), a.settings()).start();
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
