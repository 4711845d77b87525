package io.jswoole.cluster;

import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.websocket.WebSocket;
import io.jswoole.websocket.WebSocketServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The owner side of a client's catch-up ({@link Cluster#resume}), on the node's one inbox thread, where every room
 * message for this node's fds is delivered in the node stream's order. BEGIN comes before the fd joins the room,
 * so every live message it gets afterwards arrives after BEGIN: those are held back until REPLAY has pushed what
 * the history had, then pushed if newer than the last replayed id; later live messages not newer than it (they
 * were in the history too) are dropped. So the client sees each message once, in id order, with no gap. What is
 * held is bounded ({@link #MAX_HELD} messages; an unfinished resume is let go after {@link #LINGER_MS}).
 */
final class Resumes {
    static final int MAX_HELD = 10_000;
    static final long LINGER_MS = 10_000;
    private static final int MAX_MARKS = 100_000;

    private record Held(long since, List<Wire> messages) {
    }

    private record Mark(long at, String id) {
    }

    private final RedisNode node;
    /** fd + "\n" + room: a resume that began and has not replayed yet. */
    private final Map<String, Held> held = new LinkedHashMap<>();
    /** fd + "\n" + room: the last id a resume replayed (live messages up to it are duplicates). */
    private final Map<String, Mark> marks = new LinkedHashMap<>();

    Resumes(RedisNode node) {
        this.node = node;
    }

    void begin(Wire w) {
        expire();
        held.put(key(w.fds()[0], w.replyTo()), new Held(System.currentTimeMillis(), new ArrayList<>()));
    }

    /** A live room message: held, dropped as a duplicate of a replay, or pushed. */
    void push(Wire w) {
        String[] roomId = w.replyTo().split("\n", 2);
        for (int fd : w.fds()) {
            String k = key(fd, roomId[0]);
            Held h = held.get(k);
            if (h != null) {
                if (h.messages.size() < MAX_HELD) {
                    h.messages.add(new Wire(w.op(), 0, w.replyTo(), new int[] {fd}, w.opcode(), w.flags(),
                            w.payload()));
                } else {
                    Log.warning("cluster: resume of fd " + fd + " in room " + roomId[0] + " held " + MAX_HELD
                            + " messages; letting them through");
                    release(k, h, null);
                }
                continue;
            }
            Mark m = marks.get(k);
            if (m != null && NodeLog.Reader.compare(roomId[1], m.id) <= 0) {
                continue;
            }
            deliver(fd, w.payload(), w.opcode());
        }
    }

    /** The missed messages of one fd, then what was held back meanwhile. */
    void replay(Wire w) {
        int fd = w.fds()[0];
        String[] roomLast = w.replyTo().split("\n", 2);
        try {
            for (RoomHistory.Frame f : RoomHistory.frames(w.payload())) {
                deliver(fd, f.bytes(), WebSocket.OPCODE_TEXT);
            }
        } catch (IOException e) {
            Log.warning("cluster: node " + node.nodeId + " dropped a malformed replay for fd " + fd);
        }
        String k = key(fd, roomLast[0]);
        Held h = held.get(k);
        release(k, h, roomLast[1]);
    }

    private void release(String k, Held h, String last) {
        held.remove(k);
        String top = last;
        if (h != null) {
            for (Wire m : h.messages) {
                String id = m.replyTo().split("\n", 2)[1];
                if (top == null || NodeLog.Reader.compare(id, top) > 0) {
                    deliver(m.fds()[0], m.payload(), m.opcode());
                    top = id;
                }
            }
        }
        if (top != null) {
            if (marks.size() >= MAX_MARKS) {
                Iterator<String> oldest = marks.keySet().iterator();
                oldest.next();
                oldest.remove();
            }
            marks.remove(k);
            marks.put(k, new Mark(System.currentTimeMillis(), top));
        }
    }

    /** Lets go of resumes whose REPLAY never came (the caller died) and of old marks. */
    private void expire() {
        long now = System.currentTimeMillis();
        for (var it = held.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (now - e.getValue().since > LINGER_MS) {
                it.remove();
                for (Wire m : e.getValue().messages) {
                    deliver(m.fds()[0], m.payload(), m.opcode());
                }
            }
        }
        marks.values().removeIf(m -> now - m.at > 10 * LINGER_MS);
    }

    private void deliver(int fd, byte[] data, int opcode) {
        Server server = node.server;
        if (server instanceof WebSocketServer ws) {
            if (ws.isEstablished(fd)) {
                ws.push(fd, data, opcode, WebSocket.FLAG_FIN);
            }
        } else {
            server.send(fd, data);
        }
    }

    private static String key(int fd, String room) {
        return fd + "\n" + room;
    }
}
