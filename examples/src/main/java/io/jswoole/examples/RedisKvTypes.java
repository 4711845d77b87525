package io.jswoole.examples;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.memory.Table;
import io.jswoole.redis.Args;
import io.jswoole.redis.RedisServer;
import io.jswoole.redis.Reply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * redis-kv's lists and sets, on the same {@link Table} as its strings so that every worker JVM sees them: LPUSH,
 * RPUSH, LPOP, RPOP, LLEN, LRANGE, BLPOP; SADD, SREM, SMEMBERS, SISMEMBER, SCARD, SRANDMEMBER; and TYPE. A list
 * or set is one row: its elements, each as {@code length:bytes}, in the row's value column (4 KiB of text), so it
 * holds what fits there (about 800 short elements); a push beyond gets an error and changes nothing. Every change
 * is a compare-and-set of the row, so worker JVMs changing one key at once lose no update. BLPOP polls its keys
 * every 10 ms in its coroutine (a push in another worker JVM has no way to wake it).
 */
final class RedisKvTypes {
    /** The row's type column: a string, a list or a set. */
    static final long STRING = 0, LIST = 1, SET = 2;
    private static final double BLPOP_POLL_SECONDS = 0.01;

    /** What a change of a list or set gives: the new elements (null: unchanged) and the reply. */
    private record Change(List<byte[]> elements, Reply reply) {
    }

    private RedisKvTypes() {
    }

    static void install(RedisServer s, Table t, RedisKvTransactions tx) {
        tx.command("LPUSH", 2, (fd, a) -> change(t, a.get(0), LIST, els -> {
            for (int i = 1; i < a.size(); i++) {
                els.addFirst(a.bytes(i));
            }
            return new Change(els, Reply.integer(els.size()));
        }));
        tx.command("RPUSH", 2, (fd, a) -> change(t, a.get(0), LIST, els -> {
            for (int i = 1; i < a.size(); i++) {
                els.add(a.bytes(i));
            }
            return new Change(els, Reply.integer(els.size()));
        }));
        tx.command("LPOP", 1, 1, (fd, a) -> pop(t, a.get(0), true));
        tx.command("RPOP", 1, 1, (fd, a) -> pop(t, a.get(0), false));
        tx.command("LLEN", 1, 1, (fd, a) -> change(t, a.get(0), LIST, els -> read(Reply.integer(els.size()))));
        tx.command("LRANGE", 3, 3, (fd, a) -> {
            long from = RedisKv.number(a.get(1)), to = RedisKv.number(a.get(2));
            if (from == Long.MIN_VALUE || to == Long.MIN_VALUE) {
                return RedisKv.notInteger();
            }
            return change(t, a.get(0), LIST, els -> {
                long n = els.size(), start = from < 0 ? Math.max(0, n + from) : from;
                long end = Math.min(n - 1, to < 0 ? n + to : to);
                return read(start > end ? Reply.array() : bulks(els.subList((int) start, (int) end + 1)));
            });
        });
        // BLPOP waits: a coroutine of a worker, not the event loop; in a transaction it does not wait (as in Redis)
        tx.waitingCommand("BLPOP", 2, (fd, a, queued) -> blpop(s, t, fd, a, queued));
        tx.command("SADD", 2, (fd, a) -> change(t, a.get(0), SET, els -> {
            long added = 0;
            for (int i = 1; i < a.size(); i++) {
                if (indexOf(els, a.bytes(i)) < 0) {
                    els.add(a.bytes(i));
                    added++;
                }
            }
            return new Change(added > 0 ? els : null, Reply.integer(added));
        }));
        tx.command("SREM", 2, (fd, a) -> change(t, a.get(0), SET, els -> {
            long removed = 0;
            for (int i = 1; i < a.size(); i++) {
                int at = indexOf(els, a.bytes(i));
                if (at >= 0) {
                    els.remove(at);
                    removed++;
                }
            }
            return new Change(removed > 0 ? els : null, Reply.integer(removed));
        }));
        tx.command("SMEMBERS", 1, 1, (fd, a) -> change(t, a.get(0), SET, els -> read(bulks(els))));
        tx.command("SCARD", 1, 1, (fd, a) -> change(t, a.get(0), SET, els -> read(Reply.integer(els.size()))));
        tx.command("SISMEMBER", 2, 2, (fd, a) -> change(t, a.get(0), SET,
                els -> read(Reply.integer(indexOf(els, a.bytes(1)) >= 0 ? 1 : 0))));
        tx.command("SRANDMEMBER", 1, 2, (fd, a) -> srandmember(t, a));
        tx.command("TYPE", 1, 1, (fd, a) -> {
            Map<String, Object> row = RedisKv.live(t, a.get(0));
            return Reply.status(row == null ? "none" : switch (((Long) row.get("t")).intValue()) {
                case (int) LIST -> "list";
                case (int) SET -> "set";
                default -> "string";
            });
        });
    }

    private static Change read(Reply reply) {
        return new Change(null, reply);
    }

    private static Reply pop(Table t, String key, boolean first) {
        return change(t, key, LIST, els -> els.isEmpty() ? read(Reply.NIL)
                : new Change(els, Reply.bulk(first ? els.removeFirst() : els.removeLast())));
    }

    /**
     * BLPOP key [key ...] timeout: the first element of the first non-empty list, as {@code [key, element]};
     * waits up to timeout seconds (0: for ever) unless {@code now} (in a transaction); NIL when none came, null
     * (no reply) when the client left meanwhile.
     */
    private static Reply blpop(RedisServer s, Table t, int fd, Args a, boolean now) {
        double timeout;
        try {
            timeout = Double.parseDouble(a.get(a.size() - 1));
        } catch (NumberFormatException e) {
            return Reply.error("ERR timeout is not a float or out of range");
        }
        if (timeout < 0 || Double.isNaN(timeout)) {
            return Reply.error("ERR timeout is negative");
        }
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        while (true) {
            for (int i = 0; i < a.size() - 1; i++) {
                Reply r = pop(t, a.get(i), true);
                if (r != Reply.NIL) {
                    return r instanceof Reply.Bulk ? Reply.array(Reply.bulk(a.bytes(i)), r) : r;
                }
            }
            if (now || System.nanoTime() >= deadline) {
                return Reply.NIL;
            }
            if (!s.exists(fd)) {
                return null; // nobody to answer
            }
            Coroutine.sleep(BLPOP_POLL_SECONDS);
        }
    }

    /** SRANDMEMBER key [count]: a member, or up to count distinct ones (a negative count may repeat them). */
    private static Reply srandmember(Table t, Args a) {
        long count = a.size() == 2 ? RedisKv.number(a.get(1)) : 1;
        if (count == Long.MIN_VALUE) {
            return RedisKv.notInteger();
        }
        return change(t, a.get(0), SET, els -> {
            List<byte[]> members = new ArrayList<>(els);
            Collections.shuffle(members);
            if (a.size() == 1) {
                return read(members.isEmpty() ? Reply.NIL : Reply.bulk(members.get(0)));
            }
            if (count >= 0) {
                return read(bulks(members.subList(0, (int) Math.min(count, members.size()))));
            }
            List<byte[]> repeated = new ArrayList<>();
            for (long i = 0; i < -count && !members.isEmpty(); i++) {
                repeated.add(members.get((int) (Math.random() * members.size())));
            }
            return read(bulks(repeated));
        });
    }

    private static Reply bulks(List<byte[]> elements) {
        List<Reply> out = new ArrayList<>(elements.size());
        for (byte[] e : elements) {
            out.add(Reply.bulk(e));
        }
        return Reply.array(out);
    }

    private static int indexOf(List<byte[]> elements, byte[] e) {
        for (int i = 0; i < elements.size(); i++) {
            if (Arrays.equals(elements.get(i), e)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Reads the list or set at {@code key} (empty when absent) and applies {@code f}; writes what it changed with a
     * compare-and-set of the row, again from the start if another worker changed the row meanwhile. An empty list
     * or set is deleted, as in Redis. WRONGTYPE when the key holds another type.
     */
    private static Reply change(Table t, String key, long type, Function<List<byte[]>, Change> f) {
        if (RedisKv.tooLong(key)) {
            return RedisKv.keyTooLong();
        }
        while (true) {
            Map<String, Object> row = RedisKv.live(t, key);
            if (row != null && (Long) row.get("t") != type) {
                return RedisKv.wrongType();
            }
            String old = row == null ? null : (String) row.get("v");
            Change c = f.apply(old == null ? new ArrayList<>() : decode(old));
            if (c.elements() == null) {
                return c.reply();
            }
            if (c.elements().isEmpty()) {
                if (row == null || t.cmpdel(key, Map.of("v", old, "t", type))) {
                    return c.reply();
                }
                continue;
            }
            String v = encode(c.elements());
            if (v.getBytes(StandardCharsets.UTF_8).length > RedisKv.VALUE_BYTES) {
                return Reply.error("ERR " + (type == LIST ? "list" : "set") + " over this store's limit ("
                        + RedisKv.VALUE_BYTES + " bytes of text)");
            }
            if (row == null ? t.add(key, Map.of("v", v, "t", type, "exp", 0L))
                    : t.cmpset(key, Map.of("v", old, "t", type), Map.of("v", v))) {
                return c.reply();
            }
            if (row == null && !t.exists(key)) {
                return Reply.error("OOM the table is full"); // not added, and nobody else added it
            }
        }
    }

    /** Elements as one ISO-8859-1 text (every byte one char): each {@code length:bytes}. */
    static String encode(List<byte[]> elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            out.writeBytes(Integer.toString(e.length).getBytes(StandardCharsets.US_ASCII));
            out.write(':');
            out.writeBytes(e);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    static List<byte[]> decode(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < b.length) {
            int n = 0;
            while (b[i] != ':') {
                n = n * 10 + (b[i++] - '0');
            }
            i++;
            out.add(Arrays.copyOfRange(b, i, i + n));
            i += n;
        }
        return out;
    }
}
