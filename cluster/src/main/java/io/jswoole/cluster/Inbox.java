package io.jswoole.cluster;

import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.websocket.WebSocketServer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node does with the requests other nodes send for its fds, in the JVM that owns the connections: the same
 * {@code send}, {@code push}, {@code close}, {@code exists}, {@code getClientInfo} and {@code getClientList} a
 * local caller would make, so every local rule (closed fd, not a WebSocket yet, buffer full) applies as it would.
 */
final class Inbox {
    private final RedisNode node;
    private final Resumes resumes;

    Inbox(RedisNode node) {
        this.node = node;
        this.resumes = new Resumes(node);
    }

    void handle(Wire w) {
        Server server = node.server;
        try {
            switch (w.op()) {
                case Wire.SEND -> {
                    for (int fd : w.fds()) {
                        server.send(fd, w.payload());
                    }
                }
                case Wire.PUSH -> {
                    for (int fd : w.fds()) {
                        if (server instanceof WebSocketServer ws) {
                            if (ws.isEstablished(fd)) {
                                ws.push(fd, w.payload(), w.opcode(), w.flags());
                            }
                        } else {
                            server.send(fd, w.payload());
                        }
                    }
                }
                case Wire.CLOSE, Wire.RESET -> {
                    for (int fd : w.fds()) {
                        server.close(fd, w.op() == Wire.RESET);
                    }
                }
                case Wire.RPUSH -> resumes.push(w);
                case Wire.BEGIN -> resumes.begin(w);
                case Wire.REPLAY -> resumes.replay(w);
                case Wire.EXISTS -> node.reply(w, new byte[] {(byte) (one(w) && server.exists(w.fds()[0]) ? 1 : 0)});
                case Wire.INFO -> node.reply(w, one(w) ? server.getClientInfo(w.fds()[0])
                        .map(i -> Wire.map(i.toMap())).orElse(new byte[0]) : new byte[0]);
                case Wire.LIST -> node.reply(w, Wire.ints(localFds(server)));
                default -> Log.warning("cluster: node " + node.nodeId + " got unknown request " + w.op());
            }
        } catch (RuntimeException e) {
            Log.warning("cluster: node " + node.nodeId + " failed a request from another node: " + e);
        }
    }

    private static boolean one(Wire w) {
        return w.fds().length == 1 && w.fds()[0] > 0;
    }

    /** Every open fd of this node, ascending ({@code getClientList} pages of 100). */
    static int[] localFds(Server server) {
        List<Integer> all = new ArrayList<>();
        int start = 0;
        while (true) {
            List<Integer> page = server.getClientList(start, 100);
            if (page.isEmpty()) {
                break;
            }
            all.addAll(page);
            start = page.get(page.size() - 1);
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }
}
