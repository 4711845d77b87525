package io.jswoole.redis;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The test server of this module, in every mode (a worker JVM builds it again): a small key-value store in the
 * worker's memory (tests run one worker), SLEEP that parks its coroutine, the seeds' LPUSH that hands its
 * arguments to a task worker and answers the task id, BOOM that throws, and TYPES that answers every RESP3 type.
 */
public final class Kv implements Recipe {
    static final Map<String, byte[]> DATA = new ConcurrentHashMap<>();

    @Override
    public Server create(String host, Mode mode, SockType type) {
        return new RedisServer(host, 0, mode);
    }

    @Override
    public void build(Server server, Probe probe) {
        RedisServer s = (RedisServer) server;
        DATA.clear(); // each test's server starts empty (BASE and THREAD servers share this JVM)
        s.setHandler("SET", (fd, a) -> {
            DATA.put(a.get(0), a.bytes(1));
            return Reply.OK;
        });
        s.setHandler("GET", (fd, a) -> {
            byte[] v = DATA.get(a.get(0));
            return v == null ? Reply.NIL : Reply.bulk(v);
        });
        s.setHandler("INCR", (fd, a) -> {
            byte[] v = DATA.compute(a.get(0), (k, old) -> String.valueOf(old == null ? 1
                    : Long.parseLong(new String(old)) + 1).getBytes());
            return Reply.integer(Long.parseLong(new String(v)));
        });
        s.setHandler("SLEEP", (fd, a) -> {
            Coroutine.sleep(a.getLong(0) / 1000.0);
            return Reply.status("SLEPT " + a.get(0));
        });
        s.setHandler("LPUSH", (fd, a) -> {
            int id = s.task(List.copyOf(a));
            return id < 0 ? RedisServer.format(RedisServer.ERROR, null) : RedisServer.format(RedisServer.INT, id);
        });
        s.setHandler("BOOM", (fd, a) -> {
            throw new IllegalStateException("boom");
        });
        s.setHandler("TYPES", (fd, a) -> Reply.array(new Reply.MapReply(Map.of(Reply.bulk("k"), Reply.integer(1))),
                new Reply.SetReply(List.of(Reply.bulk("x"))), new Reply.Bool(true), new Reply.Double(1.5),
                new Reply.BigNumber(new java.math.BigInteger("12345678901234567890")), Reply.NIL,
                new Reply.Verbatim("txt", "hi")));
        s.onTask((srv, taskId, src, data) -> {
            probe.add("task " + data);
            return null;
        });
        s.onFinish((srv, taskId, result) -> { });
    }
}
