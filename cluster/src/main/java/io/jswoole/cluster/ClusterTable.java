package io.jswoole.cluster;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.SwooleException;
import io.jswoole.log.Log;
import io.jswoole.memory.Table;
import io.jswoole.server.Server;
import io.jswoole.server.spi.ClusterSupport;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Table} shared by every node of a cluster, for state that must be global (a counter, a rate limit): the
 * same column types, names and checks as the local table, each row a Redis hash. Every operation is one atomic
 * Redis script ({@code HSET} of all given columns, {@code HINCRBY}/{@code HINCRBYFLOAT}), so concurrent
 * {@code incr} from several nodes add up exactly. It costs a round trip to Redis per call: tens of thousands of
 * operations a second where the local table does tens of millions (BENCHMARKS.md); keep per-host state local.
 * <pre>{@code
 * ClusterTable hits = ClusterTable.of(server, "hits", 1024)
 *         .column("count", Table.Type.INT).column("owner", Table.Type.STRING, 32);
 * hits.create();                          // after start(), e.g. in onWorkerStart; every node declares it alike
 * long n = hits.incr("alice", "count");   // the same counter on every node
 * }</pre>
 * Differences from the local table: INT overflow is refused (Redis's HINCRBY) instead of wrapping; FLOAT holds finite
 * numbers only; while Redis cannot be reached {@code set}/{@code del}/{@code exists} answer false, {@code get} null
 * and {@code count} -1 with {@link LastError} 1005, and {@code incr} throws {@link SwooleException} (1005), at once
 * (within 2 s when Redis is cut off rather than down). A call in flight when the connection drops fails and is never
 * resent, so an increment is applied at most once (it may have been applied: the failure is ambiguous).
 */
public final class ClusterTable {
    /** The largest size (rows, before rounding up to a power of two). */
    public static final int MAX_SIZE = 1 << 24;
    private static final String ROW_MARK = "";
    private static final Scripts SET = new Scripts("""
            if redis.call('EXISTS', KEYS[1]) == 0 then
              if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[2]) then return 0 end
              redis.call('SADD', KEYS[2], ARGV[1])
            end
            redis.call('HSET', KEYS[1], '', '1', unpack(ARGV, 3))
            return 1
            """);
    /** HGET after HINCRBY: the reply is the exact decimal text (a Lua number is a double). */
    private static final Scripts INCR = new Scripts("""
            if redis.call('EXISTS', KEYS[1]) == 0 then
              if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[4]) then return false end
              redis.call('SADD', KEYS[2], ARGV[1])
              redis.call('HSET', KEYS[1], '', '1')
            end
            if ARGV[5] == 'f' then return redis.call('HINCRBYFLOAT', KEYS[1], ARGV[2], ARGV[3]) end
            redis.call('HINCRBY', KEYS[1], ARGV[2], ARGV[3])
            return redis.call('HGET', KEYS[1], ARGV[2])
            """);
    private static final Scripts DEL = new Scripts("""
            redis.call('SREM', KEYS[2], ARGV[1])
            return redis.call('DEL', KEYS[1])
            """);
    private static final Scripts DESTROY = new Scripts("""
            for _, k in ipairs(redis.call('SMEMBERS', KEYS[2])) do redis.call('DEL', ARGV[1] .. k) end
            return redis.call('DEL', KEYS[1], KEYS[2])
            """);

    private final Server server;
    private final String name;
    private final int capacity;
    private final String prefix;
    private final TableColumns columns = new TableColumns();
    private volatile boolean created;
    private volatile boolean registered;
    private volatile boolean fullLogged;
    private volatile RedisNode node;

    private ClusterTable(Server server, String name, int size) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("a cluster table name has 1-64 letters, digits, '_', '.', '-', got "
                    + name);
        }
        if (size < 1 || size > MAX_SIZE) {
            throw new IllegalArgumentException("table size must be 1.." + MAX_SIZE + ", got " + size);
        }
        this.server = server;
        this.name = name;
        int c = Integer.highestOneBit(Math.max(size, 64));
        this.capacity = c < size ? c << 1 : c;
        this.prefix = Registry.PREFIX + "table:{" + name + "}:";
    }

    /**
     * The cluster table {@code name} of {@code server}'s cluster, holding at least {@code size} rows (rounded up to a
     * power of two, at least 64, as the local table). Declare the columns, then {@link #create()} it.
     */
    public static ClusterTable of(Server server, String name, int size) {
        return new ClusterTable(server, name, size);
    }

    /** Declares a column; {@code size} is the maximum bytes of a STRING and is ignored for INT and FLOAT. */
    public ClusterTable column(String name, Table.Type type, int size) {
        if (created) {
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "columns must be declared before create()");
        }
        columns.add(name, type, size);
        return this;
    }

    /** Declares an INT or FLOAT column. */
    public ClusterTable column(String name, Table.Type type) {
        if (type == Table.Type.STRING) {
            throw new IllegalArgumentException("column '" + name + "': a STRING column needs a size");
        }
        return column(name, type, 8);
    }

    /**
     * Makes the table usable: records its columns in Redis, or checks them against what another node recorded (a
     * node that declares them differently is refused, naming both). Needs the started server.
     */
    public boolean create() {
        if (created) {
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "table already created");
        }
        if (columns.size() == 0) {
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "table has no columns: call column() first");
        }
        created = true;
        register(redis());
        return true;
    }

    /** Inserts or updates a row (one HSET of all given columns); false when the table is full or Redis is away. */
    public boolean set(String key, Map<String, ?> values) {
        List<String> args = new ArrayList<>(List.of(check(key), Integer.toString(capacity)));
        args.addAll(columns.encode(values));
        RedisCommands<String, String> r = ready();
        if (r == null) {
            return false;
        }
        try {
            Long ok = up(SET.run(r, ScriptOutputType.INTEGER, keys(key), args.toArray(String[]::new)));
            return ok != null && ok == 1 || full(key);
        } catch (RuntimeException e) {
            return unreachable(e, false);
        }
    }

    /** The row as a map (column order; Long, Double, String), or null when the key is absent or Redis is away. */
    public Map<String, Object> get(String key) {
        RedisCommands<String, String> r = ready();
        if (r == null) {
            return null;
        }
        try {
            Map<String, String> h = up(r.hgetall(row(check(key))));
            return h.isEmpty() ? null : columns.decode(h);
        } catch (RuntimeException e) {
            return unreachable(e, null);
        }
    }

    /** One field (Long, Double or String), or null when the key is absent. */
    public Object get(String key, String field) {
        TableColumns.Column c = columns.column(field);
        RedisCommands<String, String> r = ready();
        if (r == null) {
            return null;
        }
        try {
            List<io.lettuce.core.KeyValue<String, String>> v = up(r.hmget(row(check(key)), ROW_MARK, c.name()));
            return v.get(0).hasValue() ? TableColumns.decode(c, v.get(1).getValueOrElse(null)) : null;
        } catch (RuntimeException e) {
            return unreachable(e, null);
        }
    }

    /** Adds 1 to an INT column and answers the new value. */
    public long incr(String key, String column) {
        return incr(key, column, 1L);
    }

    /**
     * Adds {@code by} to an INT column (HINCRBY, atomic across nodes) and answers the new value. An absent key gets
     * a new row, as in Swoole; a full table throws {@link SwooleException} with {@link ErrorCode#MALLOC_FAIL}, and a
     * result beyond 64 bits an {@link ArithmeticException}.
     */
    public long incr(String key, String column, long by) {
        return Long.parseLong(increment(key, column, Table.Type.INT, Long.toString(by)));
    }

    /** Adds {@code by} to a FLOAT column (HINCRBYFLOAT) and answers the new value. */
    public double incr(String key, String column, double by) {
        if (!Double.isFinite(by)) {
            throw new IllegalArgumentException("cannot add " + by + " to FLOAT column '" + column + "'");
        }
        return Double.parseDouble(increment(key, column, Table.Type.FLOAT, Double.toString(by)));
    }

    /** Subtracts 1 from an INT column. */
    public long decr(String key, String column) {
        return incr(key, column, -1L);
    }

    /** Subtracts {@code by} from an INT column. */
    public long decr(String key, String column, long by) {
        if (by == Long.MIN_VALUE) {
            throw new ArithmeticException("cannot subtract " + by + " from column '" + column + "'");
        }
        return incr(key, column, -by);
    }

    /** Subtracts {@code by} from a FLOAT column. */
    public double decr(String key, String column, double by) {
        return incr(key, column, -by);
    }

    /** Deletes a row; false when the key is absent or Redis is away. */
    public boolean del(String key) {
        RedisCommands<String, String> r = ready();
        if (r == null) {
            return false;
        }
        try {
            Long n = up(DEL.run(r, ScriptOutputType.INTEGER, keys(key), check(key)));
            return n != null && n == 1;
        } catch (RuntimeException e) {
            return unreachable(e, false);
        }
    }

    /** True when the key has a row. */
    public boolean exists(String key) {
        RedisCommands<String, String> r = ready();
        if (r == null) {
            return false;
        }
        try {
            return up(r.exists(row(check(key)))) == 1;
        } catch (RuntimeException e) {
            return unreachable(e, false);
        }
    }

    /** Rows in use, on all nodes; -1 while Redis is away. */
    public int count() {
        RedisCommands<String, String> r = ready();
        if (r == null) {
            return -1;
        }
        try {
            return up(r.scard(prefix + "keys")).intValue();
        } catch (RuntimeException e) {
            return unreachable(e, -1);
        }
    }

    /** Rows the table holds. */
    public int size() {
        return capacity;
    }

    /** Deletes every row and the recorded columns, for every node (a later create() starts afresh). */
    public boolean destroy() {
        RedisCommands<String, String> r = ready();
        if (r == null) {
            return false;
        }
        try {
            DESTROY.run(r, ScriptOutputType.INTEGER, new String[] {prefix + "schema", prefix + "keys"},
                    prefix + "row:");
            registered = false;
            return true;
        } catch (RuntimeException e) {
            return unreachable(e, false);
        }
    }

    private String increment(String key, String column, Table.Type type, String by) {
        TableColumns.Column c = columns.column(column);
        if (c.type() != type) {
            throw new IllegalArgumentException("column '" + column + "' is " + c.type() + ": "
                    + (c.type() == Table.Type.STRING ? "it cannot be incremented"
                    : "use the " + (c.type() == Table.Type.INT ? "long" : "double") + " variant of incr/decr"));
        }
        RedisCommands<String, String> r = ready();
        if (r == null) {
            throw new SwooleException(ErrorCode.SESSION_NOT_EXIST, "cluster table '" + name
                    + "': cluster_redis cannot be reached");
        }
        String v;
        try {
            v = up(INCR.run(r, ScriptOutputType.VALUE, keys(key), check(key), c.name(), by,
                    Integer.toString(capacity), type == Table.Type.FLOAT ? "f" : "i"));
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).contains("overflow")) {
                throw new ArithmeticException("column '" + column + "' of key '" + key + "': " + by
                        + " would take it beyond 64 bits");
            }
            throw new SwooleException(ErrorCode.SESSION_NOT_EXIST, "cluster table '" + name + "': "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            unreachable(e, null);
            throw new SwooleException(ErrorCode.SESSION_NOT_EXIST, "cluster table '" + name
                    + "': cluster_redis cannot be reached: " + e.getMessage(), e);
        }
        if (v == null) {
            full(key);
            throw new SwooleException(ErrorCode.MALLOC_FAIL, "cluster table '" + name + "' is full (" + capacity
                    + " rows): cannot add key '" + key + "'");
        }
        return v;
    }

    private RedisCommands<String, String> redis() {
        RedisNode node = (RedisNode) ClusterSupport.node(server).orElseThrow(() -> new IllegalStateException(
                "the server is not in a cluster: set cluster_redis and cluster_node_id, then start it"));
        this.node = node;
        var c = node.commands();
        return c == null ? null : c.sync();
    }

    /** The commands once created and the columns are recorded; null (LastError 1005) while Redis is away. */
    private RedisCommands<String, String> ready() {
        if (!created) {
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "table is not created: call create() first");
        }
        RedisCommands<String, String> r = redis();
        if (r == null) {
            LastError.set(ErrorCode.SESSION_NOT_EXIST);
            return null;
        }
        if (!registered) {
            try {
                register(r);
            } catch (RuntimeException e) {
                if (e instanceof SwooleException) {
                    throw e;
                }
                return unreachable(e, null);
            }
        }
        return r;
    }

    private void register(RedisCommands<String, String> r) {
        if (r == null) {
            return; // Redis away: checked at the first call that reaches it
        }
        String mine = capacity + "|" + columns.describe();
        r.set(prefix + "schema", mine, SetArgs.Builder.nx());
        String theirs = r.get(prefix + "schema");
        if (!mine.equals(theirs)) {
            throw new SwooleException(ErrorCode.WRONG_OPERATION, "cluster table '" + name + "' exists with size|"
                    + "columns " + theirs + "; this node declares " + mine + " (declare it alike on every node,"
                    + " or destroy() it first)");
        }
        registered = true;
    }

    private String[] keys(String key) {
        return new String[] {row(key), prefix + "keys"};
    }

    private String row(String key) {
        return prefix + "row:" + key;
    }

    private static String check(String key) {
        if (key == null) {
            throw new IllegalArgumentException("key must not be null");
        }
        int n = key.getBytes(StandardCharsets.UTF_8).length;
        if (n == 0) {
            throw new IllegalArgumentException("key must not be empty");
        }
        if (n > Table.KEY_MAX_BYTES) {
            throw new IllegalArgumentException("key is " + n + " bytes, longer than the maximum "
                    + Table.KEY_MAX_BYTES);
        }
        return key;
    }

    private boolean full(String key) {
        if (fullLogged) {
            return LastError.fail(ErrorCode.MALLOC_FAIL);
        }
        fullLogged = true;
        Log.warning("cluster table '" + name + "' is full (" + capacity + " rows): cannot add key '" + key + "'");
        return LastError.fail(ErrorCode.MALLOC_FAIL);
    }

    /** A call reached Redis: ends the node's outage, if it was in one (its one line). */
    private <T> T up(T answer) {
        RedisNode n = node;
        if (n != null && n.isDown()) {
            n.redisUp();
        }
        return answer;
    }

    /** Redis failed: {@code fallback} with LastError 1005, and the node's one line about the outage. */
    private <T> T unreachable(RuntimeException e, T fallback) {
        if (e instanceof IllegalArgumentException || e instanceof SwooleException) {
            throw e;
        }
        ClusterSupport.node(server).ifPresent(n -> ((RedisNode) n).redisDown(e));
        LastError.set(ErrorCode.SESSION_NOT_EXIST);
        return fallback;
    }
}
