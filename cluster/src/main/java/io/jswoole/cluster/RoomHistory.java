package io.jswoole.cluster;

import io.jswoole.server.GlobalFd;
import io.jswoole.websocket.WebSocket;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A room's recent messages, for a client that reconnects (to any node) with the id of the last message it got:
 * each {@link Cluster#publish} appends the text to the room's stream ({@code XADD MAXLEN ~} {@link #KEEP}; the id is
 * the message id the client sees) before sending it to the members, and {@link Cluster#resume} replays what came
 * after a given id through the fd's own node ({@link Resumes}), so live messages and replayed ones interleave
 * without duplicates or gaps. An idle room's history expires after a day.
 */
final class RoomHistory {
    /** Messages kept per room: how far back a client can resume. */
    static final int KEEP = 1000;
    private static final long EXPIRE_SECONDS = 86_400;

    record Frame(String id, byte[] bytes) {
    }

    /** Each entry names the one before it ("p"), so a resume sees whether trimming took any it needs. */
    private static final Scripts APPEND = new Scripts("""
            local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
            local prev = '0-0'
            if #last > 0 then prev = last[1][1] end
            local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'p', prev, 't', ARGV[2])
            redis.call('EXPIRE', KEYS[1], ARGV[3])
            return id
            """);

    /** How long a publisher may hold a room's lock. */
    static final long LOCK_MS = 2_000;
    private static final java.util.concurrent.atomic.AtomicLong TOKENS = new java.util.concurrent.atomic.AtomicLong();
    private static final Scripts UNLOCK = new Scripts(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");

    private RoomHistory() {
    }

    static String key(String room) {
        return Registry.PREFIX + "history:" + room;
    }

    /**
     * Appends, then sends {@code frame(message)} to every member: the message's id. Under the room's lock (SET NX PX,
     * {@link #LOCK_MS}), so that every node gets a room's messages in id order even when several nodes publish to it
     * at once; a lock not had within {@link #LOCK_MS} (its holder died) is taken over when it expires.
     */
    static String publish(RedisNode node, RedisCommands<String, String> redis, String room, String text,
                          Function<Cluster.RoomMessage, String> frame) {
        String lock = key(room) + ":lock";
        String token = node.nodeId + ":" + ProcessHandle.current().pid() + ":" + TOKENS.incrementAndGet();
        while (!"OK".equals(redis.set(lock, token, SetArgs.Builder.nx().px(LOCK_MS)))) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for room " + room);
            }
        }
        try {
            String id = APPEND.run(redis, ScriptOutputType.VALUE, new String[] {key(room)}, Integer.toString(KEEP),
                    text, Long.toString(EXPIRE_SECONDS));
            byte[] bytes = frame.apply(new Cluster.RoomMessage(room, id, text)).getBytes(StandardCharsets.UTF_8);
            Map<String, List<Integer>> byNode = new LinkedHashMap<>();
            Registry r = node.registry();
            for (GlobalFd m : r.members(room, r.live())) {
                byNode.computeIfAbsent(m.node(), k -> new ArrayList<>()).add(m.fd());
            }
            for (Map.Entry<String, List<Integer>> e : byNode.entrySet()) {
                int[] fds = e.getValue().stream().mapToInt(Integer::intValue).toArray();
                node.tell(e.getKey(), new Wire(Wire.RPUSH, 0, room + "\n" + id, fds, WebSocket.OPCODE_TEXT,
                        WebSocket.FLAG_FIN, bytes), null);
            }
            return id;
        } finally {
            UNLOCK.run(redis, ScriptOutputType.INTEGER, new String[] {lock}, token);
        }
    }

    /**
     * Joins {@code fd} to {@code room} and has its node push what came after {@code lastId}: the number replayed, or
     * -1 when messages after {@code lastId} were trimmed from the history already (what is kept is still replayed):
     * the first entry kept names its predecessor, which is not {@code lastId} then.
     */
    static int resume(RedisNode node, RedisCommands<String, String> redis, int fd, String room, String lastId,
                      Function<Cluster.RoomMessage, String> frame) {
        if (!node.tell(node.nodeId, new Wire(Wire.BEGIN, 0, room, new int[] {fd}, 0, 0, new byte[0]), null)) {
            throw new io.lettuce.core.RedisException("cluster_redis cannot be reached"); // -1: not joined
        }
        node.registry().join(new GlobalFd(node.nodeId, fd), room);
        List<Frame> frames = new ArrayList<>();
        String after = lastId;
        boolean gap = false;
        while (frames.size() < KEEP + 200) {
            List<StreamMessage<String, String>> page = redis.xrange(key(room),
                    Range.from(Range.Boundary.excluding(after), Range.Boundary.unbounded()), Limit.create(0, 200));
            if (page.isEmpty()) {
                break;
            }
            for (StreamMessage<String, String> m : page) {
                String text = m.getBody().getOrDefault("t", "");
                if (frames.isEmpty() && !"0-0".equals(lastId)) { // the entry before the first one kept
                    gap = NodeLog.Reader.compare(m.getBody().getOrDefault("p", "0-0"), lastId) > 0;
                }
                frames.add(new Frame(m.getId(), frame.apply(new Cluster.RoomMessage(room, m.getId(), text))
                        .getBytes(StandardCharsets.UTF_8)));
                after = m.getId();
            }
        }
        node.tell(node.nodeId, new Wire(Wire.REPLAY, 0, room + "\n" + after, new int[] {fd}, 0, 0,
                encode(frames)), null);
        return gap ? -1 : frames.size();
    }

    static byte[] encode(List<Frame> frames) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(frames.size());
            for (Frame f : frames) {
                out.writeUTF(f.id());
                out.writeInt(f.bytes().length);
                out.write(f.bytes());
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Frame> frames(byte[] b) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(b));
        int n = in.readInt();
        if (n < 0 || n > b.length) {
            throw new IOException("bad frame count " + n);
        }
        List<Frame> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = in.readUTF();
            int len = in.readInt();
            if (len < 0 || len > in.available()) {
                throw new IOException("bad frame length " + len);
            }
            out.add(new Frame(id, in.readNBytes(len)));
        }
        return out;
    }
}
