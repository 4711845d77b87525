package io.jswoole.cluster;

import io.jswoole.log.Log;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Delivery without loss or duplicates for what a node is told to do ({@code send}, {@code push}, {@code close},
 * broadcasts): each message is appended to the node's stream (bounded, {@link #MAX_LEN} entries) and published in
 * the same Lua script, carrying its id and the id before it. The node delivers in stream order and remembers the
 * last id: a message whose predecessor it has not seen (its subscription dropped, say while Redis restarted) makes
 * it read the missing entries from the stream first; a message it has seen is dropped; and every heartbeat it reads
 * what came after its last id, for the case where nothing new arrives after a gap. An idempotency key makes a
 * sender's retry after an ambiguous failure (the connection dropped with the script in flight) safe.
 */
final class NodeLog {
    /** Entries kept per node ({@code XADD MAXLEN ~}): the longest gap a node can recover from. */
    static final int MAX_LEN = 10_000;
    /** How long an idempotency key is remembered. */
    static final int ONCE_SECONDS = 600;
    private static final String APPEND = """
            if redis.call('EXISTS', KEYS[3]) == 0 then return -2 end
            if KEYS[2] ~= '' and not redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[3]) then return -1 end
            local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
            local prev = '0-0'
            if #last > 0 then prev = last[1][1] end
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'm', ARGV[4])
            return redis.call('PUBLISH', ARGV[1], prev .. ' ' .. id .. ' ' .. ARGV[4])
            """;

    private NodeLog() {
    }

    static String key(String node) {
        return Registry.PREFIX + "log:" + node;
    }

    static String channel(String node) {
        return Registry.PREFIX + "logch:" + node;
    }

    /**
     * Appends {@code wire} to {@code node}'s stream and publishes it: the number of subscribers that got it (0: the
     * node is not listening now; it reads the entry when it catches up), -1 when {@code onceKey} was used already,
     * or -2, with nothing appended, when the node's heartbeat expired (a node cut off from Redis is not sent what it
     * would get only if it came back).
     */
    static long append(RedisCommands<String, byte[]> redis, String node, byte[] wire, String onceKey) {
        String once = onceKey == null ? "" : Registry.PREFIX + "once:" + node + ":" + onceKey;
        Long n = redis.eval(APPEND, ScriptOutputType.INTEGER, new String[] {key(node), once,
                Registry.heartbeatKey(node)},
                bytes(channel(node)), bytes(Integer.toString(MAX_LEN)), bytes(Integer.toString(ONCE_SECONDS)), wire);
        return n == null ? 0 : n;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The receiving side, in the node's owner JVM; every method runs on the node's one inbox thread. */
    static final class Reader {
        private final String node;
        private final Consumer<byte[]> deliver;
        private String lastId = "0-0";

        Reader(String node, Consumer<byte[]> deliver) {
            this.node = node;
            this.deliver = deliver;
        }

        /** Starts after what the stream holds now (an earlier run's entries are not replayed). */
        void start(RedisCommands<String, byte[]> redis) {
            List<StreamMessage<String, byte[]>> last = redis.xrevrange(key(node), Range.create("-", "+"),
                    io.lettuce.core.Limit.create(0, 1));
            lastId = last.isEmpty() ? "0-0" : last.get(0).getId();
        }

        /** A published entry: "prev id wire". */
        void received(RedisCommands<String, byte[]> redis, byte[] message) {
            int a = indexOf(message, 0);
            int b = a < 0 ? -1 : indexOf(message, a + 1);
            if (b < 0) {
                Log.warning("cluster: node " + node + " dropped a malformed log message");
                return;
            }
            String prev = new String(message, 0, a, StandardCharsets.US_ASCII);
            String id = new String(message, a + 1, b - a - 1, StandardCharsets.US_ASCII);
            if (compare(id, lastId) <= 0) {
                return; // seen already (catch-up got it first)
            }
            if (!prev.equals(lastId) && compare(prev, lastId) > 0) {
                catchUp(redis, id);
            }
            if (compare(id, lastId) > 0) {
                lastId = id;
                deliver.accept(java.util.Arrays.copyOfRange(message, b + 1, message.length));
            }
        }

        /** Delivers the entries after the last one seen, up to (not including) {@code before}; null: all. */
        void catchUp(RedisCommands<String, byte[]> redis, String before) {
            while (true) {
                Range<String> range = Range.from(Range.Boundary.excluding(lastId), before == null
                        ? Range.Boundary.unbounded() : Range.Boundary.excluding(before));
                List<StreamMessage<String, byte[]>> missed = redis.xrange(key(node), range,
                        io.lettuce.core.Limit.create(0, 500));
                if (missed.isEmpty()) {
                    return;
                }
                for (StreamMessage<String, byte[]> m : missed) {
                    lastId = m.getId();
                    byte[] wire = m.getBody().get("m");
                    if (wire != null) {
                        deliver.accept(wire);
                    }
                }
            }
        }

        private static int indexOf(byte[] b, int from) {
            for (int i = from; i < b.length && i < from + 48; i++) {
                if (b[i] == ' ') {
                    return i;
                }
            }
            return -1;
        }

        /** Stream ids ({@code ms-seq}) in order. */
        static int compare(String x, String y) {
            int dx = x.indexOf('-');
            int dy = y.indexOf('-');
            int c = Long.compare(Long.parseLong(x.substring(0, dx)), Long.parseLong(y.substring(0, dy)));
            return c != 0 ? c : Long.compare(Long.parseLong(x.substring(dx + 1)), Long.parseLong(y.substring(dy + 1)));
        }
    }

}
