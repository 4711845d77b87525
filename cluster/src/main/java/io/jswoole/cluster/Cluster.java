package io.jswoole.cluster;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.server.GlobalFd;
import io.jswoole.server.Server;
import io.jswoole.server.spi.ClusterSupport;
import io.jswoole.websocket.WebSocket;
import io.jswoole.websocket.WebSocketServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The cluster face of a server started with {@code cluster_redis} and {@code cluster_node_id}, from any worker or
 * task worker of any node: rooms ({@link #join}, {@link #leave}, {@link #members}, {@link #broadcast}), the uid
 * a connection was {@code bind}-ed to ({@link #locate}), and {@link #getClientList} of every live node. Swoole has
 * no cluster face; these are the names its users build by hand (Hyperf's Sender, Socket.IO rooms). A node whose
 * heartbeat expired is skipped, never waited for. While Redis cannot be reached the calls answer false, 0, null or
 * empty at once (within 2 s when Redis is cut off rather than down), with {@link LastError} 1005, and the node keeps
 * serving its own connections; {@link #forget} and {@code bind} are kept and written when Redis answers again.
 * <pre>{@code
 * var cluster = Cluster.of(server);
 * cluster.join(fd, "lobby");
 * cluster.broadcast("lobby", "hello");          // every member, on every node
 * server.onClose((s, fd, r) -> cluster.forget(fd));
 * }</pre>
 */
public final class Cluster {
    private static final int MAX_ROOM = 200;
    private final RedisNode node;

    private Cluster(RedisNode node) {
        this.node = node;
    }

    /**
     * The cluster of a started {@code server}.
     *
     * @throws IllegalStateException when it was not started with {@code cluster_redis}
     */
    public static Cluster of(Server server) {
        return new Cluster((RedisNode) ClusterSupport.node(server).orElseThrow(() -> new IllegalStateException(
                "the server is not in a cluster: set cluster_redis and cluster_node_id, then start it")));
    }

    /** This node's id ({@code cluster_node_id}). */
    public String nodeId() {
        return node.nodeId;
    }

    /** The global id of this node's {@code fd}. */
    public GlobalFd id(int fd) {
        return new GlobalFd(node.nodeId, fd);
    }

    /** Puts this node's {@code fd} in {@code room} (a name of 1-200 characters). */
    public boolean join(int fd, String room) {
        check(room);
        return call(() -> {
            node.registry().join(id(fd), room);
            return true;
        }, false);
    }

    /** Takes this node's {@code fd} out of {@code room}; false when it was not in it. */
    public boolean leave(int fd, String room) {
        check(room);
        return call(() -> node.registry().leave(id(fd), room), false);
    }

    /** The members of {@code room} on the live nodes, by node then fd. */
    public List<GlobalFd> members(String room) {
        check(room);
        return call(() -> {
            Registry r = node.registry();
            return r.members(room, r.live());
        }, List.of());
    }

    /** {@link #broadcast(String, byte[], int)} of a text message. */
    public int broadcast(String room, String text) {
        return broadcast(room, text.getBytes(StandardCharsets.UTF_8), WebSocket.OPCODE_TEXT);
    }

    /**
     * Sends {@code data} to every member of {@code room} on every live node: a WebSocket message of
     * {@code opcode} on a {@code WebSocketServer}, raw bytes on a plain server. One PUBLISH per remote node, however
     * many members it holds, this node included, so that every node runs its broadcasts and pushes in one order
     * (its stream's). Returns how many members it went to (a member whose node took the message but whose socket
     * closed meanwhile counts); 0 with {@link LastError} 1005 while Redis is away (the members of nodes it could not
     * reach do not count).
     */
    public int broadcast(String room, byte[] data, int opcode) {
        return broadcast(room, data, opcode, null);
    }

    /**
     * {@link #broadcast(String, byte[], int)} that is safe to retry: every node delivers the message of
     * {@code onceKey} at most once (for 10 minutes), so a sender that got no answer (Redis went away with the call in
     * flight) sends again with the same key.
     */
    public int broadcast(String room, byte[] data, int opcode, String onceKey) {
        check(room);
        List<GlobalFd> members = members(room);
        Map<String, List<Integer>> byNode = new LinkedHashMap<>();
        for (GlobalFd m : members) {
            byNode.computeIfAbsent(m.node(), k -> new ArrayList<>()).add(m.fd());
        }
        int reached = 0;
        for (Map.Entry<String, List<Integer>> e : byNode.entrySet()) {
            int[] fds = e.getValue().stream().mapToInt(Integer::intValue).toArray();
            if (node.tell(e.getKey(), Wire.PUSH, fds, opcode, WebSocket.FLAG_FIN, data, onceKey)) {
                reached += fds.length;
            }
        }
        return reached;
    }

    /** A room message with its history id, as {@link #publish} and {@link #resume} hand it to the frame function. */
    public record RoomMessage(String room, String id, String text) {
    }

    /**
     * {@link #broadcast} with a history: appends {@code text} to the room's stream (the last 1,000 messages are
     * kept) and pushes {@code frame(message)} to every member; the frame should carry the id (the client's resume
     * point). Answers the id, or null (LastError set) while Redis is away.
     */
    public String publish(String room, String text, Function<RoomMessage, String> frame) {
        check(room);
        return call(() -> RoomHistory.publish(node, node.commands().sync(), room, text, frame), null);
    }

    /**
     * A client that reconnected (to this node or any other) with the id of the last room message it got: joins
     * {@code fd} to {@code room} and pushes it every message published after {@code lastId}, in order, then the live
     * ones, none twice and none missing ({@code "0"}: everything kept). Answers how many were replayed, or -1 when
     * some were trimmed from the history already (the rest is replayed: the client should reload), or -1 with
     * {@link LastError} 1005 while Redis is away (then the fd is not joined and nothing is replayed).
     */
    public int resume(int fd, String room, String lastId, Function<RoomMessage, String> frame) {
        check(room);
        String from = "0".equals(lastId) ? "0-0" : lastId;
        if (from == null || !from.matches("\\d{1,20}-\\d{1,20}")) {
            throw new IllegalArgumentException("a room message id is ms-seq (such as 1733616000000-0), got "
                    + lastId);
        }
        return call(() -> RoomHistory.resume(node, node.commands().sync(), fd, room, from, frame), -1);
    }

    /** The connection {@code uid} was last {@code bind}-ed to, on whatever node; empty when none is known. */
    public Optional<GlobalFd> locate(long uid) {
        return call(() -> {
            GlobalFd fd = node.registry().locate(uid);
            return fd == null || !node.registry().alive(fd.node()) ? Optional.<GlobalFd>empty() : Optional.of(fd);
        }, Optional.empty());
    }

    /**
     * This node's connection {@code fd} closed (call it from {@code onClose}): it leaves every room and its uids
     * are unbound cluster-wide, so a later connection that gets the same fd inherits nothing.
     */
    public void forget(int fd) {
        GlobalFd g = id(fd);
        if (!call(() -> {
            node.registry().forget(g);
            return true;
        }, false)) {
            node.later(r -> r.forget(g)); // Redis away: the fd still leaves its rooms once it answers
        }
    }

    /** The nodes whose heartbeat has not expired, sorted. */
    public Set<String> nodes() {
        return call(() -> node.registry().live(), Set.of());
    }

    /**
     * Every open connection of every live node, by node then fd: this node's at once, each other live node asked
     * in parallel; a node that does not answer within a second is left out (and logged), a dead one never asked.
     */
    public List<GlobalFd> getClientList() {
        List<String> others = new ArrayList<>(nodes());
        others.remove(node.nodeId);
        List<GlobalFd> out = new ArrayList<>();
        for (int fd : Inbox.localFds(node.server)) {
            out.add(id(fd));
        }
        List<byte[]> answers = node.askAll(others, Wire.LIST);
        for (int i = 0; i < others.size(); i++) {
            byte[] a = answers.get(i);
            if (a == null) {
                continue;
            }
            try {
                for (int fd : Wire.ints(a)) {
                    out.add(new GlobalFd(others.get(i), fd));
                }
            } catch (java.io.IOException | RuntimeException e) {
                io.jswoole.log.Log.warning("cluster: node " + others.get(i) + " sent a malformed list");
            }
        }
        out.sort(java.util.Comparator.comparing(GlobalFd::node).thenComparingInt(GlobalFd::fd));
        return out;
    }

    private static void check(String room) {
        if (room == null || room.isEmpty() || room.length() > MAX_ROOM) {
            throw new IllegalArgumentException("a room name has 1-" + MAX_ROOM + " characters, got "
                    + (room == null ? "null" : room.length()));
        }
    }

    /** Runs a Redis call: {@code fallback} (with LastError) while Redis is unreachable. */
    private <T> T call(Supplier<T> redisCall, T fallback) {
        if (node.registry() == null) {
            return fallback;
        }
        try {
            T t = redisCall.get();
            node.redisUp();
            return t;
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            node.redisDown(e);
            LastError.set(ErrorCode.SESSION_NOT_EXIST);
            return fallback;
        }
    }
}
