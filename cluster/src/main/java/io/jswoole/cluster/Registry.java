package io.jswoole.cluster;

import io.jswoole.log.Log;
import io.jswoole.server.GlobalFd;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the nodes share in Redis, under {@code jswoole:cluster:}: one heartbeat key per live node (with the TTL of
 * {@code cluster_heartbeat_ttl}), the set of nodes that joined, room member sets of global fds, the uid map of
 * {@code bind}, and per connection and per node the index of what they put there, so a connection that closes
 * ({@link Cluster#forget}) and a node that died (its heartbeat expired) leave nothing behind. Hashes, sets and
 * keys with a TTL are what Redis is for (wave2-anchors 4b); nothing here needs a script but the guarded uid delete.
 */
final class Registry {
    static final String PREFIX = "jswoole:cluster:";
    private static final String NODES = PREFIX + "nodes";
    private static final String UIDS = PREFIX + "uid";
    /** HDEL uid only while it still names this connection (a later bind elsewhere wins). */
    private static final String HDEL_IF = "if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "return redis.call('hdel', KEYS[1], ARGV[1]) end return 0";

    private final RedisCommands<String, String> redis;

    Registry(RedisCommands<String, String> redis) {
        this.redis = redis;
    }

    static String heartbeatKey(String node) {
        return PREFIX + "node:" + node;
    }

    /** The channel a node's owner JVM reads its requests on. */
    static String inbox(String node) {
        return PREFIX + "inbox:" + node;
    }

    private static String room(String room) {
        return PREFIX + "room:" + room;
    }

    private static String conn(GlobalFd fd) {
        return PREFIX + "conn:" + fd;
    }

    private static String nodeFds(String node) {
        return PREFIX + "fds:" + node;
    }

    /** One beat: the node is alive for {@code ttlMillis} more and listed among the nodes. */
    void beat(String node, String incarnation, long ttlMillis) {
        redis.set(heartbeatKey(node), incarnation, SetArgs.Builder.px(ttlMillis));
        redis.sadd(NODES, node);
    }

    boolean alive(String node) {
        return redis.exists(heartbeatKey(node)) == 1;
    }

    /** The nodes whose heartbeat has not expired, sorted. */
    Set<String> live() {
        List<String> nodes = new ArrayList<>(redis.smembers(NODES));
        Set<String> out = new TreeSet<>();
        if (nodes.isEmpty()) {
            return out;
        }
        List<KeyValue<String, String>> beats = redis.mget(nodes.stream().map(Registry::heartbeatKey)
                .toArray(String[]::new));
        for (int i = 0; i < nodes.size(); i++) {
            if (beats.get(i).hasValue()) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }

    /**
     * Removes what the nodes whose heartbeat expired left: the first survivor to take a dead node out of the node
     * set cleans its entries (SREM answers 1 to one caller only).
     */
    void reap(String self) {
        Set<String> live = live();
        for (String node : redis.smembers(NODES)) {
            if (!node.equals(self) && !live.contains(node) && redis.srem(NODES, node) == 1) {
                int n = forgetNode(node);
                Log.notice("cluster: node " + node + " missed its heartbeat; removed it and its " + n
                        + " connection entries");
            }
        }
    }

    /** Forgets every entry of {@code node}'s connections; the number of connections. */
    int forgetNode(String node) {
        Set<String> fds = redis.smembers(nodeFds(node));
        for (String fd : fds) {
            forget(new GlobalFd(node, Integer.parseInt(fd)));
        }
        redis.del(nodeFds(node), NodeLog.key(node));
        return fds.size();
    }

    void join(GlobalFd fd, String room) {
        redis.sadd(room(room), fd.toString());
        redis.sadd(conn(fd), "r:" + room);
        redis.sadd(nodeFds(fd.node()), Integer.toString(fd.fd()));
    }

    boolean leave(GlobalFd fd, String room) {
        redis.srem(conn(fd), "r:" + room);
        return redis.srem(room(room), fd.toString()) == 1;
    }

    /** The members of {@code room} on the nodes in {@code live}. */
    List<GlobalFd> members(String room, Set<String> live) {
        List<GlobalFd> out = new ArrayList<>();
        for (String m : redis.smembers(room(room))) {
            GlobalFd fd = GlobalFd.parse(m);
            if (live.contains(fd.node())) {
                out.add(fd);
            }
        }
        out.sort(java.util.Comparator.comparing(GlobalFd::node).thenComparingInt(GlobalFd::fd));
        return out;
    }

    void bind(GlobalFd fd, long uid) {
        redis.hset(UIDS, Long.toString(uid), fd.toString());
        redis.sadd(conn(fd), "u:" + uid);
        redis.sadd(nodeFds(fd.node()), Integer.toString(fd.fd()));
    }

    GlobalFd locate(long uid) {
        String v = redis.hget(UIDS, Long.toString(uid));
        return v == null ? null : GlobalFd.parse(v);
    }

    /** The connection closed: out of every room, its uids unbound. */
    void forget(GlobalFd fd) {
        for (String entry : redis.smembers(conn(fd))) {
            String name = entry.substring(2);
            if (entry.startsWith("r:")) {
                redis.srem(room(name), fd.toString());
            } else {
                redis.<Long>eval(HDEL_IF, ScriptOutputType.INTEGER, new String[] {UIDS}, name, fd.toString());
            }
        }
        redis.del(conn(fd));
        redis.srem(nodeFds(fd.node()), Integer.toString(fd.fd()));
    }
}
