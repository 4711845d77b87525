package io.jswoole.cluster;

import io.jswoole.log.Log;
import io.jswoole.server.GlobalFd;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
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

    /** How long a reaped node's own index is kept for it to {@link #restore} after a partition heals. */
    static final long KEPT_SECONDS = 86_400;
    /**
     * SET heartbeat PX and SADD nodes in one step: 1 when the others reaped the node (their mark is there). Why a mark
     * and not SADD's answer: a beat sent during a partition reaches Redis when it heals (TCP resends it) after its
     * caller timed out, and its answer is lost with it; the mark stays until {@link #RESTORE} has run.
     */
    private static final Scripts BEAT = new Scripts("""
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            return redis.call('EXISTS', KEYS[3])
            """);
    /**
     * The reap of one node, atomic: only while its heartbeat is gone and only by the caller whose SREM took it out of
     * the node set. Its room memberships and uid bindings go; its index (fds, per-connection entries) and its stream
     * are kept for {@link #KEPT_SECONDS}, so a node that was only cut off restores them when it beats again.
     */
    private static final Scripts REAP = new Scripts("""
            if redis.call('EXISTS', KEYS[1]) == 1 or redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return -1 end
            local fds = redis.call('SMEMBERS', KEYS[3])
            for _, fd in ipairs(fds) do
              local g = ARGV[1] .. '#' .. fd
              local conn = ARGV[2] .. 'conn:' .. g
              for _, e in ipairs(redis.call('SMEMBERS', conn)) do
                local name = string.sub(e, 3)
                if string.sub(e, 1, 2) == 'r:' then redis.call('SREM', ARGV[2] .. 'room:' .. name, g)
                elseif redis.call('HGET', KEYS[4], name) == g then redis.call('HDEL', KEYS[4], name) end
              end
              redis.call('EXPIRE', conn, ARGV[3])
            end
            redis.call('EXPIRE', KEYS[3], ARGV[3])
            redis.call('EXPIRE', KEYS[5], ARGV[3])
            redis.call('SET', KEYS[6], '1', 'EX', ARGV[3])
            return #fds
            """);
    /**
     * A reaped node beats again (a partition healed): its connections still open (ARGV[4..]) get their rooms and
     * uids back (a uid bound elsewhere meanwhile stays there), the closed ones' entries go; the index is kept again.
     */
    private static final Scripts RESTORE = new Scripts("""
            local open = {}
            for i = 4, #ARGV do open[ARGV[i]] = true end
            local n = 0
            for _, fd in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              local g = ARGV[1] .. '#' .. fd
              local conn = ARGV[2] .. 'conn:' .. g
              if open[fd] then
                for _, e in ipairs(redis.call('SMEMBERS', conn)) do
                  local name = string.sub(e, 3)
                  if string.sub(e, 1, 2) == 'r:' then redis.call('SADD', ARGV[2] .. 'room:' .. name, g)
                  else redis.call('HSETNX', KEYS[2], name, g) end
                end
                redis.call('PERSIST', conn)
                n = n + 1
              else
                redis.call('DEL', conn)
                redis.call('SREM', KEYS[1], fd)
              end
            end
            redis.call('PERSIST', KEYS[1])
            redis.call('PERSIST', KEYS[3])
            redis.call('DEL', KEYS[4])
            return n
            """);

    private static String reapedMark(String node) {
        return PREFIX + "reaped:" + node;
    }

    /**
     * One beat: the node is alive for {@code ttlMillis} more and listed among the nodes; true when the others reaped
     * it while it could not beat (then {@link #restore} it).
     */
    boolean beat(String node, String incarnation, long ttlMillis) {
        Long reaped = BEAT.run(redis, ScriptOutputType.INTEGER, new String[] {heartbeatKey(node), NODES,
                reapedMark(node)}, incarnation, Long.toString(ttlMillis), node);
        return reaped != null && reaped == 1;
    }

    /** {@link #RESTORE}: the number of connections whose rooms and uids came back. */
    int restore(String node, int[] openFds) {
        String[] args = new String[3 + openFds.length];
        args[0] = node;
        args[1] = PREFIX;
        args[2] = "";
        for (int i = 0; i < openFds.length; i++) {
            args[3 + i] = Integer.toString(openFds[i]);
        }
        Long n = RESTORE.run(redis, ScriptOutputType.INTEGER, new String[] {nodeFds(node), UIDS, NodeLog.key(node),
                reapedMark(node)}, args);
        return n == null ? 0 : n.intValue();
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
     * Removes what the nodes whose heartbeat expired left ({@link #REAP}): the first survivor to take a dead node out
     * of the node set cleans its entries (SREM answers 1 to one caller only), in one script, so a node whose beat
     * comes back sees either no reap or a finished one.
     */
    void reap(String self) {
        Set<String> live = live();
        for (String node : redis.smembers(NODES)) {
            if (node.equals(self) || live.contains(node)) {
                continue;
            }
            Long n = REAP.run(redis, ScriptOutputType.INTEGER, new String[] {heartbeatKey(node), NODES,
                    nodeFds(node), UIDS, NodeLog.key(node), reapedMark(node)}, node, PREFIX,
                    Long.toString(KEPT_SECONDS));
            if (n != null && n >= 0) {
                Log.notice("cluster: node " + node + " missed its heartbeat; removed it and its " + n
                        + " connections from rooms and uids");
            }
        }
    }

    /** Forgets every entry of {@code node}'s connections; the number of connections. */
    int forgetNode(String node) {
        Set<String> fds = redis.smembers(nodeFds(node));
        for (String fd : fds) {
            forget(new GlobalFd(node, Integer.parseInt(fd)));
        }
        redis.del(nodeFds(node), NodeLog.key(node), reapedMark(node));
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
