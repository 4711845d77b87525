package io.jswoole.examples;

import io.jswoole.redis.Args;
import io.jswoole.redis.Handler;
import io.jswoole.redis.RedisServer;
import io.jswoole.redis.Reply;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * redis-kv's MULTI, EXEC and DISCARD, and the registration of its commands: after MULTI a connection's commands are
 * queued (answered {@code +QUEUED}, or an arity error that makes EXEC fail with EXECABORT, as in Redis) and EXEC
 * runs them in order. The queue lives in the worker that serves the connection, which needs the default
 * {@code dispatch_mode} 2 (a connection's commands to one worker); the queued commands run one after the other
 * there, but other connections' commands (other workers, other worker JVMs) may run between them: each command is
 * atomic on its row, the transaction as a whole is not. No WATCH. At most {@link #MAX_QUEUED} commands are queued;
 * one more aborts the transaction, so a client cannot grow the queue without bound.
 */
final class RedisKvTransactions {
    static final int MAX_QUEUED = 10_000;

    /** A command that may wait, told whether it runs inside EXEC (where it must not). */
    interface Waiting {
        Object handle(int fd, Args args, boolean inTransaction);
    }

    private static final class Queue {
        final List<Map.Entry<Waiting, Args>> commands = new ArrayList<>();
        boolean aborted;
    }

    private final RedisServer server;
    /** The connections inside MULTI, by fd. */
    private final Map<Integer, Queue> open = new ConcurrentHashMap<>();

    RedisKvTransactions(RedisServer server) {
        this.server = server;
        server.setInlineHandler("MULTI", (fd, a) -> open.putIfAbsent(fd, new Queue()) == null ? Reply.OK
                : Reply.error("ERR MULTI calls can not be nested"));
        server.setInlineHandler("DISCARD", (fd, a) -> open.remove(fd) != null ? Reply.OK
                : Reply.error("ERR DISCARD without MULTI"));
        server.setInlineHandler("EXEC", (fd, a) -> exec(fd));
        server.onClose((s, fd, reactorId) -> open.remove(fd));
    }

    /** Sets {@code name}, a command that never waits, of at least {@code min} arguments. */
    void command(String name, int min, Handler h) {
        command(name, min, Integer.MAX_VALUE, h);
    }

    /** Sets {@code name}, a command that never waits, of {@code min} to {@code max} arguments. */
    void command(String name, int min, int max, Handler h) {
        server.setInlineHandler(name, wrap(name, min, max, (fd, a, inTransaction) -> h.handle(fd, a)));
    }

    /** Sets {@code name}, a command that may wait (so it runs in a coroutine of a worker). */
    void waitingCommand(String name, int min, Waiting h) {
        server.setHandler(name, wrap(name, min, Integer.MAX_VALUE, h));
    }

    private Handler wrap(String name, int min, int max, Waiting h) {
        return (fd, a) -> {
            boolean arity = a.size() >= min && a.size() <= max;
            Queue q = open.isEmpty() ? null : open.get(fd);
            if (q == null) {
                return arity ? h.handle(fd, a, false) : RedisKv.wrongArgs(name.toLowerCase(Locale.ROOT));
            }
            if (!arity || q.commands.size() >= MAX_QUEUED) {
                q.aborted = true;
                return arity ? Reply.error("ERR more than " + MAX_QUEUED + " commands in a transaction (this store's "
                        + "limit); EXEC will fail") : RedisKv.wrongArgs(name.toLowerCase(Locale.ROOT));
            }
            q.commands.add(Map.entry(h, a));
            return Reply.status("QUEUED");
        };
    }

    private Reply exec(int fd) {
        Queue q = open.remove(fd);
        if (q == null) {
            return Reply.error("ERR EXEC without MULTI");
        }
        if (q.aborted) {
            return Reply.error("EXECABORT Transaction discarded because of previous errors.");
        }
        List<Reply> replies = new ArrayList<>(q.commands.size());
        for (Map.Entry<Waiting, Args> c : q.commands) {
            Object r = c.getKey().handle(fd, c.getValue(), true);
            replies.add(r instanceof Reply reply ? reply : Reply.NIL);
        }
        return Reply.array(replies);
    }
}
