package io.jswoole.redis;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The server Redis's own Tcl suite ({@code unit/protocol}, {@link RedisTclSuiteTest}) runs against: exactly the
 * commands its harness and its tests send, on {@link RedisServer} handlers, over a small in-memory store of the
 * worker (the test runs one worker, so PROCESS mode keeps it in that worker JVM).
 * <ul>
 * <li>the harness: FLUSHALL before each {@code start_server} block, FUNCTION FLUSH (this store has no functions,
 * so there is nothing to flush), DEBUG LOG before each test (Redis writes the line to its log; this server
 * has no such log and drops it);
 * <li>unit/protocol: SET, GET, MSET (20,002 arguments), INCRBYFLOAT, FLUSHDB, SADD, SRANDMEMBER, RPUSH, BLPOP
 * (two pipelined, served by another client's pushes), MULTI/EXEC, and DEBUG PROTOCOL, which answers each RESP3
 * type through {@link Reply} so that Redis's own client parses what {@link Resp} writes, in RESP3 and RESP2.
 * </ul>
 * PING, HELLO and the other connection commands are {@link Builtins}. Handlers of one connection's pipelined
 * commands run at once, so MULTI here queues what the client sends after a MULTI it has had the answer to, which
 * is how the suite's client (and any client that is not pipelining the transaction) uses it.
 */
public final class TclSuiteStore implements Recipe {
    /** A command of the store: its reply to {@code args}, run with the store locked. */
    private interface Command {
        Reply run(Args args);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition pushed = lock.newCondition();
    /** Values: {@code byte[]} strings, {@code Set<String>} sets, {@code Deque<byte[]>} lists. */
    private final Map<String, Object> data = new HashMap<>();
    /** The commands queued after MULTI, per connection. */
    private final Map<Integer, List<Map.Entry<Command, Args>>> transactions = new ConcurrentHashMap<>();

    @Override
    public Server create(String host, Mode mode, SockType type) {
        return new RedisServer(host, 0, mode);
    }

    @Override
    public void build(Server server, Probe probe) {
        RedisServer s = (RedisServer) server;
        command(s, "FLUSHALL", 0, 1, a -> flush());
        command(s, "FLUSHDB", 0, 1, a -> flush());
        command(s, "FUNCTION", 1, 2, a -> a.get(0).equalsIgnoreCase("flush") ? Reply.OK
                : Reply.error("ERR unknown subcommand '" + a.get(0) + "'. Try FUNCTION HELP."));
        command(s, "SET", 2, 2, a -> {
            data.put(a.get(0), a.bytes(1));
            return Reply.OK;
        });
        command(s, "GET", 1, 1, a -> string(a.get(0)));
        command(s, "MSET", 2, Integer.MAX_VALUE, this::mset);
        command(s, "INCRBYFLOAT", 2, 2, this::incrByFloat);
        command(s, "SADD", 2, Integer.MAX_VALUE, this::sadd);
        command(s, "SRANDMEMBER", 1, 2, this::srandmember);
        command(s, "RPUSH", 2, Integer.MAX_VALUE, this::rpush);
        command(s, "DEBUG", 1, 2, TclSuiteStore::debug);
        s.setHandler("BLPOP", (fd, a) -> blpop(s, fd, a));
        s.setHandler("MULTI", (fd, a) -> transactions.putIfAbsent(fd, Collections.synchronizedList(new ArrayList<>()))
                == null ? Reply.OK : Reply.error("ERR MULTI calls can not be nested"));
        s.setHandler("EXEC", (fd, a) -> exec(fd));
        s.setHandler("DISCARD", (fd, a) -> transactions.remove(fd) != null ? Reply.OK
                : Reply.error("ERR DISCARD without MULTI"));
        s.onClose((srv, fd, reactorId) -> transactions.remove(fd));
    }

    /**
     * Sets handler {@code name}: checks the number of arguments, then queues the command in a transaction or runs
     * it with the store locked.
     */
    private void command(RedisServer s, String name, int min, int max, Command c) {
        Command checked = a -> a.size() < min || a.size() > max
                ? Reply.error("ERR wrong number of arguments for '" + name.toLowerCase(Locale.ROOT) + "' command")
                : c.run(a);
        s.setHandler(name, (fd, a) -> {
            List<Map.Entry<Command, Args>> queued = transactions.get(fd);
            if (queued != null) {
                queued.add(Map.entry(checked, a));
                return Reply.status("QUEUED");
            }
            return locked(checked, a);
        });
    }

    private Reply locked(Command c, Args a) {
        lock.lock();
        try {
            return c.run(a);
        } finally {
            lock.unlock();
        }
    }

    private Reply exec(int fd) {
        List<Map.Entry<Command, Args>> queued = transactions.remove(fd);
        if (queued == null) {
            return Reply.error("ERR EXEC without MULTI");
        }
        lock.lock();
        try {
            return Reply.array(queued.stream().map(e -> e.getKey().run(e.getValue())).toList());
        } finally {
            lock.unlock();
        }
    }

    private Reply flush() {
        data.clear();
        return Reply.OK;
    }

    private static Reply wrongType() {
        return Reply.error("WRONGTYPE Operation against a key holding the wrong kind of value");
    }

    private Reply string(String key) {
        Object v = data.get(key);
        return v == null ? Reply.NIL : v instanceof byte[] b ? Reply.bulk(b) : wrongType();
    }

    private Reply mset(Args a) {
        if (a.size() % 2 != 0) {
            return Reply.error("ERR wrong number of arguments for 'mset' command");
        }
        for (int i = 0; i < a.size(); i += 2) {
            data.put(a.get(i), a.bytes(i + 1));
        }
        return Reply.OK;
    }

    /** Redis's INCRBYFLOAT: the sum as the shortest decimal (Redis writes {@code 1}, not {@code 1.0}). */
    private Reply incrByFloat(Args a) {
        Object v = data.get(a.get(0));
        if (v != null && !(v instanceof byte[])) {
            return wrongType();
        }
        BigDecimal old, by;
        try {
            old = v == null ? BigDecimal.ZERO : new BigDecimal(new String((byte[]) v, StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return Reply.error("ERR value is not a valid float");
        }
        try {
            by = new BigDecimal(a.get(1));
        } catch (NumberFormatException e) {
            return Reply.error("ERR value is not a valid float");
        }
        byte[] sum = old.add(by).stripTrailingZeros().toPlainString().getBytes(StandardCharsets.UTF_8);
        data.put(a.get(0), sum);
        return Reply.bulk(sum);
    }

    @SuppressWarnings("unchecked")
    private Reply sadd(Args a) {
        Object v = data.computeIfAbsent(a.get(0), k -> new LinkedHashSet<String>());
        if (!(v instanceof Set<?>)) {
            return wrongType();
        }
        Set<String> set = (Set<String>) v;
        long added = a.subList(1, a.size()).stream().filter(set::add).count();
        return Reply.integer(added);
    }

    /** SRANDMEMBER key [count]: a member, or up to count distinct ones (a negative count may repeat them). */
    private Reply srandmember(Args a) {
        Object v = data.get(a.get(0));
        if (v != null && !(v instanceof Set<?>)) {
            return wrongType();
        }
        List<Reply> members = new ArrayList<>();
        if (v != null) {
            ((Set<?>) v).forEach(m -> members.add(Reply.bulk((String) m)));
            Collections.shuffle(members);
        }
        if (a.size() == 1) {
            return members.isEmpty() ? Reply.NIL : members.get(0);
        }
        long count;
        try {
            count = a.getLong(1);
        } catch (NumberFormatException e) {
            return Reply.error("ERR value is not an integer or out of range");
        }
        if (count >= 0) {
            return Reply.array(members.subList(0, (int) Math.min(count, members.size())));
        }
        List<Reply> repeated = new ArrayList<>();
        for (long i = 0; i < -count && !members.isEmpty(); i++) {
            repeated.add(members.get((int) (Math.random() * members.size())));
        }
        return Reply.array(repeated);
    }

    @SuppressWarnings("unchecked")
    private Reply rpush(Args a) {
        Object v = data.computeIfAbsent(a.get(0), k -> new ArrayDeque<byte[]>());
        if (!(v instanceof Deque<?>)) {
            return wrongType();
        }
        Deque<byte[]> list = (Deque<byte[]>) v;
        for (int i = 1; i < a.size(); i++) {
            list.addLast(a.bytes(i));
        }
        pushed.signalAll();
        return Reply.integer(list.size());
    }

    /**
     * BLPOP key [key ...] timeout: the first element of the first non-empty list, waiting (its coroutine parks) up
     * to timeout seconds, 0 for ever; gives up when the connection is gone.
     */
    private Reply blpop(RedisServer s, int fd, Args a) {
        if (a.size() < 2) {
            return Reply.error("ERR wrong number of arguments for 'blpop' command");
        }
        double timeout;
        try {
            timeout = Double.parseDouble(a.get(a.size() - 1));
        } catch (NumberFormatException e) {
            return Reply.error("ERR timeout is not a float or out of range");
        }
        long deadline = timeout == 0 ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        lock.lock();
        try {
            while (true) {
                for (int i = 0; i < a.size() - 1; i++) {
                    Object v = data.get(a.get(i));
                    if (v != null && !(v instanceof Deque<?>)) {
                        return wrongType();
                    }
                    if (v instanceof Deque<?> list && !list.isEmpty()) {
                        byte[] first = (byte[]) list.pollFirst();
                        if (list.isEmpty()) {
                            data.remove(a.get(i));
                        }
                        return Reply.array(Reply.bulk(a.bytes(i)), Reply.bulk(first));
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Reply.NIL; // redis-server writes a null array, *-1; a null either way for clients
                }
                if (!s.exists(fd)) {
                    return null; // the client left: nobody to answer
                }
                pushed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            lock.unlock();
        }
    }

    /**
     * DEBUG LOG (accepted, as the harness writes each test's name with it) and DEBUG PROTOCOL, whose replies
     * are redis-server's (debug.c), each a {@link Reply} type (not PUSH, whose reply is a push and then a second
     * reply, which a handler's one return value cannot be; unit/protocol does not ask for it).
     */
    private static Reply debug(Args a) {
        String sub = a.get(0).toLowerCase(Locale.ROOT);
        if (sub.equals("log")) {
            return Reply.OK;
        }
        if (!sub.equals("protocol") || a.size() != 2) {
            return Reply.error("ERR DEBUG " + a.get(0) + " is not supported by this server");
        }
        return switch (a.get(1).toLowerCase(Locale.ROOT)) {
            case "string" -> Reply.bulk("Hello World");
            case "integer" -> Reply.integer(12345);
            case "double" -> new Reply.Double(3.141);
            case "bignum" -> new Reply.BigNumber(new BigInteger("1234567999999999999999999999999999999"));
            case "null" -> Reply.NIL;
            case "array" -> Reply.array(Reply.integer(0), Reply.integer(1), Reply.integer(2));
            case "set" -> new Reply.SetReply(List.of(Reply.integer(0), Reply.integer(1), Reply.integer(2)));
            case "map" -> {
                Map<Reply, Reply> m = new java.util.LinkedHashMap<>();
                for (int j = 0; j < 3; j++) {
                    m.put(Reply.integer(j), new Reply.Bool(j == 1));
                }
                yield new Reply.MapReply(m);
            }
            case "true" -> new Reply.Bool(true);
            case "false" -> new Reply.Bool(false);
            case "verbatim" -> new Reply.Verbatim("txt", "This is a verbatim\nstring");
            case "attrib" -> new Reply.Attribute(Map.of(Reply.bulk("key-popularity"),
                    Reply.array(Reply.bulk("key:123"), Reply.integer(90))),
                    Reply.bulk("Some real reply following the attribute"));
            default -> Reply.error("ERR DEBUG PROTOCOL " + a.get(1) + " is not supported by this server (it has: "
                    + "string|integer|double|bignum|null|array|set|map|attrib|verbatim|true|false)");
        };
    }
}
