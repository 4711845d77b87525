package io.jswoole.examples;

import io.jswoole.memory.Table;
import io.jswoole.redis.Args;
import io.jswoole.redis.RedisServer;
import io.jswoole.redis.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code redis-kv}: a Redis-protocol key-value store on a shared {@link Table}, so that in PROCESS mode every
 * worker JVM sees the same keys: GET, SET (with EX/PX), DEL, EXISTS, INCR, INCRBY, DECR, INCRBYFLOAT, EXPIRE, TTL,
 * MGET, MSET, DBSIZE, FLUSHALL, FLUSHDB; lists and sets ({@link RedisKvTypes}); MULTI/EXEC/DISCARD
 * ({@link RedisKvTransactions}). Every command but BLPOP never waits, so it is set with
 * {@link RedisServer#setInlineHandler} and runs on the connection's event loop in BASE mode. Keys up to 63 bytes,
 * values up to 4 KiB, 65,536 keys. Try {@code redis-cli -p 9507} or
 * {@code redis-benchmark -p 9507 -t set,get,incr -P 16 -q}.
 */
public final class RedisKv {
    static final int VALUE_BYTES = 4096;

    private RedisKv() {
    }

    /** Runs the example: {@code RedisKv [--host H] [--port P] [--mode M] [--set key=value]...}. */
    public static void main(String[] args) {
        create(ExampleOptions.parse(args, 9507)).start();
    }

    public static RedisServer create(ExampleOptions o) {
        Table t = new Table("redis-kv", 65536, 0.5).column("v", Table.Type.STRING, VALUE_BYTES)
                .column("exp", Table.Type.INT)
                .column("t", Table.Type.INT);
        t.create();
        RedisServer s = new RedisServer(o.host(), o.port(), o.mode());
        s.set(o.settings());
        RedisKvTransactions tx = new RedisKvTransactions(s);
        tx.command("GET", 0, (fd, a) -> arity(a, 1) ? value(t, a.get(0), true) : wrongArgs("get"));
        tx.command("SET", 0, (fd, a) -> {
            if (a.size() != 2 && a.size() != 4) {
                return a.size() < 2 ? wrongArgs("set") : Reply.error("ERR syntax error");
            }
            long exp = 0;
            if (a.size() == 4) {
                String unit = a.get(2).toUpperCase(java.util.Locale.ROOT);
                long n = number(a.get(3));
                if (n <= 0 || !(unit.equals("EX") || unit.equals("PX"))) {
                    return n == Long.MIN_VALUE ? notInteger() : Reply.error(n <= 0
                            ? "ERR invalid expire time in 'set' command" : "ERR syntax error");
                }
                exp = System.currentTimeMillis() + (unit.equals("EX") ? n * 1000 : n);
            }
            return put(t, a.get(0), a.bytes(1), exp);
        });
        tx.command("MSET", 0, (fd, a) -> {
            if (a.isEmpty() || a.size() % 2 != 0) {
                return wrongArgs("mset");
            }
            for (int i = 0; i < a.size(); i += 2) {
                Reply r = put(t, a.get(i), a.bytes(i + 1), 0);
                if (r != Reply.OK) {
                    return r;
                }
            }
            return Reply.OK;
        });
        tx.command("MGET", 0, (fd, a) -> {
            List<Reply> out = new ArrayList<>();
            for (String key : a) {
                out.add(value(t, key, false));
            }
            return a.isEmpty() ? wrongArgs("mget") : Reply.array(out);
        });
        tx.command("DEL", 0, (fd, a) -> Reply.integer(a.stream().filter(k -> live(t, k) != null && t.del(k))
                .count()));
        tx.command("EXISTS", 0, (fd, a) -> Reply.integer(a.stream().filter(k -> live(t, k) != null).count()));
        tx.command("INCR", 0, (fd, a) -> arity(a, 1) ? incr(t, a.get(0), 1) : wrongArgs("incr"));
        tx.command("DECR", 0, (fd, a) -> arity(a, 1) ? incr(t, a.get(0), -1) : wrongArgs("decr"));
        tx.command("INCRBY", 0, (fd, a) -> !arity(a, 2) ? wrongArgs("incrby")
                : number(a.get(1)) == Long.MIN_VALUE ? notInteger() : incr(t, a.get(0), number(a.get(1))));
        tx.command("EXPIRE", 0, (fd, a) -> {
            if (!arity(a, 2)) {
                return wrongArgs("expire");
            }
            long secs = number(a.get(1));
            if (secs == Long.MIN_VALUE) {
                return notInteger();
            }
            if (live(t, a.get(0)) == null) {
                return Reply.integer(0);
            }
            if (secs <= 0) {
                t.del(a.get(0));
                return Reply.integer(1);
            }
            return Reply.integer(t.update(a.get(0), Map.of("exp", System.currentTimeMillis() + secs * 1000)) ? 1 : 0);
        });
        tx.command("TTL", 0, (fd, a) -> {
            if (!arity(a, 1)) {
                return wrongArgs("ttl");
            }
            Map<String, Object> row = live(t, a.get(0));
            long exp = row == null ? 0 : (Long) row.get("exp");
            return Reply.integer(row == null ? -2 : exp == 0 ? -1
                    : Math.max(0, (exp - System.currentTimeMillis() + 999) / 1000));
        });
        tx.command("DBSIZE", 0, (fd, a) -> Reply.integer(t.count()));
        tx.command("FLUSHALL", 0, (fd, a) -> flush(t));
        tx.command("FLUSHDB", 0, (fd, a) -> flush(t)); // one database: FLUSHDB is FLUSHALL
        tx.command("INCRBYFLOAT", 2, 2, (fd, a) -> incrByFloat(t, a.get(0), a.get(1)));
        // Redis's test harness flushes functions before each block: this store has none, so there is nothing to do
        tx.command("FUNCTION", 1, 2, (fd, a) -> a.get(0).equalsIgnoreCase("flush") ? Reply.OK
                : Reply.error("ERR unknown subcommand '" + a.get(0) + "': this store has no functions"));
        RedisKvTypes.install(s, t, tx);
        s.onShutdown(srv -> t.destroy());
        return s;
    }

    private static Reply flush(Table t) {
        List<String> keys = new ArrayList<>();
        for (var e : t) {
            keys.add(e.getKey());
        }
        keys.forEach(t::del);
        return Reply.OK;
    }

    /** Whether {@code key} is over the Table's key limit (UTF-8 bytes; a short key needs no encoding to tell). */
    static boolean tooLong(String key) {
        return key.length() > Table.KEY_MAX_BYTES / 3 && key.getBytes(StandardCharsets.UTF_8).length
                > Table.KEY_MAX_BYTES;
    }

    private static boolean arity(Args a, int n) {
        return a.size() == n;
    }

    static Reply wrongArgs(String command) {
        return Reply.error("ERR wrong number of arguments for '" + command + "' command");
    }

    static Reply notInteger() {
        return Reply.error("ERR value is not an integer or out of range");
    }

    static long number(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return Long.MIN_VALUE;
        }
    }

    /** The row of {@code key}, or null when it is absent or expired (an expired one is deleted). */
    static Map<String, Object> live(Table t, String key) {
        if (tooLong(key)) {
            return null;
        }
        Map<String, Object> row = t.get(key);
        if (row != null && (Long) row.get("exp") != 0 && (Long) row.get("exp") <= System.currentTimeMillis()) {
            t.cmpdel(key, Map.of("exp", row.get("exp")));
            return null;
        }
        return row;
    }

    static Reply wrongType() {
        return Reply.error("WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    static Reply keyTooLong() {
        return Reply.error("ERR key over " + Table.KEY_MAX_BYTES + " bytes (this store's limit)");
    }

    private static boolean isString(Map<String, Object> row) {
        return (Long) row.get("t") == RedisKvTypes.STRING;
    }

    /** GET: the value, NIL, or WRONGTYPE; MGET ({@code strict} false) answers NIL for a list or set, as Redis. */
    private static Reply value(Table t, String key, boolean strict) {
        Map<String, Object> row = live(t, key);
        if (row != null && !isString(row)) {
            return strict ? wrongType() : Reply.NIL;
        }
        // values are kept as ISO-8859-1 text: every byte one char, so binary values come back as they went in
        return row == null ? Reply.NIL : Reply.bulk(((String) row.get("v")).getBytes(StandardCharsets.ISO_8859_1));
    }

    private static Reply put(Table t, String key, byte[] value, long exp) {
        if (tooLong(key)) {
            return keyTooLong();
        }
        String v = new String(value, StandardCharsets.ISO_8859_1);
        if (v.getBytes(StandardCharsets.UTF_8).length > VALUE_BYTES) {
            return Reply.error("ERR value over this store's limit (" + VALUE_BYTES + " bytes of text)");
        }
        return t.set(key, Map.of("v", v, "exp", exp, "t", RedisKvTypes.STRING)) ? Reply.OK : Reply.error("OOM the table is full");
    }

    /** INCRBY as a compare-and-set on the row, so that worker JVMs incrementing at once lose no update. */
    private static Reply incr(Table t, String key, long by) {
        if (tooLong(key)) {
            return keyTooLong();
        }
        while (true) {
            Map<String, Object> row = live(t, key);
            if (row == null) {
                if (t.add(key, Map.of("v", Long.toString(by), "exp", 0L, "t", RedisKvTypes.STRING))) {
                    return Reply.integer(by);
                }
                if (!t.exists(key)) {
                    return Reply.error("OOM the table is full");
                }
                continue; // another worker added it first
            }
            if (!isString(row)) {
                return wrongType();
            }
            long n = number((String) row.get("v"));
            if (n == Long.MIN_VALUE) {
                return notInteger();
            }
            long next = n + by;
            if (t.cmpset(key, Map.of("v", row.get("v"), "exp", row.get("exp")), Map.of("v", Long.toString(next)))) {
                return Reply.integer(next);
            }
        }
    }

    /** INCRBYFLOAT, as {@link #incr}: the sum as the shortest decimal (Redis answers {@code 1}, not {@code 1.0}). */
    private static Reply incrByFloat(Table t, String key, String by) {
        if (tooLong(key)) {
            return keyTooLong();
        }
        java.math.BigDecimal increment = decimal(by);
        if (increment == null) {
            return Reply.error("ERR value is not a valid float");
        }
        while (true) {
            Map<String, Object> row = live(t, key);
            if (row != null && !isString(row)) {
                return wrongType();
            }
            java.math.BigDecimal old = row == null ? java.math.BigDecimal.ZERO : decimal((String) row.get("v"));
            if (old == null) {
                return Reply.error("ERR value is not a valid float");
            }
            String sum = old.add(increment).stripTrailingZeros().toPlainString();
            if (row == null ? t.add(key, Map.of("v", sum, "exp", 0L, "t", RedisKvTypes.STRING))
                    : t.cmpset(key, Map.of("v", row.get("v"), "exp", row.get("exp")), Map.of("v", sum))) {
                return Reply.bulk(sum);
            }
            if (row == null && !t.exists(key)) {
                return Reply.error("OOM the table is full");
            }
        }
    }

    private static java.math.BigDecimal decimal(String s) {
        try {
            return new java.math.BigDecimal(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
