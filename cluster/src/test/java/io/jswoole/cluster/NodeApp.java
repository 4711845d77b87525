package io.jswoole.cluster;

import io.jswoole.server.GlobalFd;
import io.jswoole.server.Mode;
import io.jswoole.websocket.WebSocketServer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One jswoole node of the tests, run as its own JVM ({@link Node}): a WebSocket server in the cluster whose
 * clients drive the cluster face with one-line commands ({@code push a#3 hi}, {@code join r}, {@code bcast r hi},
 * {@code list}...); each command is answered with a line starting {@code "= "}; everything else a client gets was
 * pushed to it. In PROCESS mode the worker JVMs run this main again.
 * <p>Arguments: {@code mode port nodeId redisUrl ttlSeconds}.
 */
public final class NodeApp {
    private NodeApp() {
    }

    public static void main(String[] args) {
        Mode mode = Mode.valueOf(args[0]);
        int port = Integer.parseInt(args[1]);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("worker_num", 2);
        settings.put("task_worker_num", 1);
        settings.put("cluster_redis", args[3]);
        settings.put("cluster_node_id", args[2]);
        settings.put("cluster_heartbeat_ttl", Double.parseDouble(args[4]));
        WebSocketServer server = new WebSocketServer("127.0.0.1", port, mode);
        server.set(settings);
        server.onStart(s -> System.out.println("READY " + s.port()));
        server.onMessage((srv, frame) -> srv.push(frame.fd(), "= " + answer(srv, frame.fd(), frame.text())));
        server.onClose((srv, fd, reactorId) -> Cluster.of(srv).forget(fd));
        server.onTask((srv, taskId, src, data) -> {
            String[] w = ((String) data).split(" ", 3);
            return server.push(GlobalFd.parse(w[1]), w[2] + " (from task worker)");
        });
        server.onFinish((srv, taskId, result) -> { });
        server.start();
    }

    private static String answer(WebSocketServer srv, int fd, String line) {
        Cluster c = Cluster.of(srv);
        String[] w = line.split(" ", 3);
        return switch (w[0]) {
            case "id" -> c.id(fd).toString();
            case "push" -> Boolean.toString(srv.push(GlobalFd.parse(w[1]), w[2]));
            case "taskpush" -> Boolean.toString(srv.task(line) >= 0);
            case "close" -> Boolean.toString(srv.close(GlobalFd.parse(w[1])));
            case "exists" -> Boolean.toString(srv.exists(GlobalFd.parse(w[1])));
            case "info" -> srv.getClientInfo(GlobalFd.parse(w[1])).map(i -> i.remoteIp() + ":" + i.remotePort())
                    .orElse("none");
            case "join" -> Boolean.toString(c.join(fd, w[1]));
            case "leave" -> Boolean.toString(c.leave(fd, w[1]));
            case "members" -> c.members(w[1]).stream().map(GlobalFd::toString).collect(Collectors.joining(","));
            case "bcast" -> Integer.toString(c.broadcast(w[1], w[2]));
            case "bcastk" -> { // bcastk KEY ROOM TEXT: a broadcast safe to retry
                String[] k = line.split(" ", 4);
                yield Integer.toString(c.broadcast(k[2], k[3].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        io.jswoole.websocket.WebSocket.OPCODE_TEXT, k[1]));
            }
            case "list" -> c.getClientList().stream().map(GlobalFd::toString).collect(Collectors.joining(","));
            case "nodes" -> String.join(",", c.nodes());
            case "bind" -> Boolean.toString(srv.bind(fd, Long.parseLong(w[1])));
            case "locate" -> c.locate(Long.parseLong(w[1])).map(GlobalFd::toString).orElse("none");
            case "pid" -> Long.toString(ProcessHandle.current().pid());
            default -> "unknown command " + w[0];
        };
    }
}
