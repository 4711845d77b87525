package io.jswoole.redis;

import io.jswoole.server.Mode;
import io.jswoole.server.Port;
import io.jswoole.server.spi.ProtocolSupport;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Swoole's {@code Redis\Server}: a {@link Server} whose main port speaks the Redis protocol, with a handler per
 * command, in BASE, THREAD and PROCESS mode.
 * <pre>{@code
 * var redis = new RedisServer("127.0.0.1", 6380);
 * redis.setHandler("GET", (fd, args) -> Reply.bulk("value of " + args.get(0)));
 * redis.setHandler("LPUSH", (fd, args) -> {
 *     int id = redis.task(args);                      // the seeds' example: a task worker takes the job
 *     return id < 0 ? RedisServer.format(RedisServer.ERROR, null) : RedisServer.format(RedisServer.INT, id);
 * });
 * redis.start();
 * }</pre>
 * Beyond Swoole: every command of a pipelined read is answered, in request order even when handlers wait or run
 * on other workers; a client may switch to RESP3 with {@code HELLO 3}; inline commands are understood; the
 * connection commands clients send (PING, ECHO, QUIT, HELLO, AUTH, SELECT 0, CLIENT, COMMAND, CONFIG GET) are
 * answered unless a handler of that name is set, and a password can be required ({@link #requirePass}). Bad
 * input gets Redis's own protocol error, then the connection closes.
 */
public class RedisServer extends Server {
    /** Swoole's {@code Redis\Server} reply types, for {@link #format}. */
    public static final int ERROR = 0, NIL = 1, STATUS = 2, INT = 3, STRING = 4, SET = 5, MAP = 6;
    /** A command name of this many bytes or more is refused (Swoole's {@code SW_REDIS_MAX_COMMAND_SIZE}). */
    public static final int MAX_COMMAND_NAME = 64;

    private final RedisProtocol protocol = new RedisProtocol(this);
    private final Map<String, Registered> handlers = new ConcurrentHashMap<>();
    /** The password of {@link #requirePass}, UTF-8, or null. */
    private volatile byte[] password;

    /** A Redis server in BASE mode on {@code host:port} (0 picks a free port). */
    public RedisServer(String host, int port) {
        this(host, port, Mode.BASE);
    }

    public RedisServer(String host, int port, Mode mode) {
        super(host, port, mode, SockType.TCP);
        ProtocolSupport.use(ports().get(0), protocol);
    }

    /**
     * Sets the handler of {@code command} (any case; replaces an earlier one). A handler for a built-in command
     * (PING, HELLO...) replaces the built-in.
     *
     * @throws IllegalArgumentException for an empty name or one of 64 bytes or more
     */
    public boolean setHandler(String command, Handler handler) {
        return register(command, handler, false);
    }

    /**
     * Beyond Swoole: sets the handler of {@code command} (as {@link #setHandler}) for a handler that never waits:
     * no sleep, socket, database, {@code taskwait} or lock held by a waiting coroutine, just work on memory (a
     * {@code Table}, a map). In BASE mode such a command runs on the connection's event loop as it is read, with
     * no coroutine of its own (as every handler does with {@code enable_coroutine} off), when every earlier
     * command of the connection has been answered and the connection's first command has reached the worker (so
     * {@code onConnect} has run); otherwise, and in THREAD and PROCESS mode, it runs in a worker as any handler.
     * Reply order and the bound on commands in flight are the same either way. Such a command is not counted in
     * {@code stats()}' {@code request_count} or the worker's {@code max_request}, and is not timed by
     * {@code max_request_execution_time}: it is over before a timer could fire. Why: handing each command to a
     * coroutine and its reply back to the event loop cost BASE mode a quarter of its throughput on pipelined
     * commands (BENCHMARKS.md, issue 18).
     */
    public boolean setInlineHandler(String command, Handler handler) {
        return register(command, handler, true);
    }

    private boolean register(String command, Handler handler, boolean inline) {
        int length = command.getBytes(StandardCharsets.UTF_8).length;
        if (length == 0 || length >= MAX_COMMAND_NAME) {
            throw new IllegalArgumentException("a Redis command name has 1 to " + (MAX_COMMAND_NAME - 1)
                    + " bytes, got " + length);
        }
        handlers.put(command.toLowerCase(Locale.ROOT), new Registered(Objects.requireNonNull(handler), inline));
        return true;
    }

    /** The handler of {@code command} (any case), or null. */
    public Handler getHandler(String command) {
        Registered r = handlers.get(command.toLowerCase(Locale.ROOT));
        return r == null ? null : r.handler();
    }

    /** A handler as set, and whether it was set by {@link #setInlineHandler}. */
    record Registered(Handler handler, boolean inline) {
    }

    /** The handler of {@code lower}, a name already in lower case, or null. */
    Registered registered(String lower) {
        return handlers.get(lower);
    }

    /**
     * Beyond Swoole (whose {@code Redis\Server} has no AUTH): redis-server's {@code requirepass}. On every Redis
     * port of this server, a connection must then authenticate before any other command: {@code AUTH password},
     * {@code AUTH default password} or {@code HELLO 3 AUTH default password} (what Lettuce sends); until then
     * every command but AUTH, HELLO and QUIT gets {@code -NOAUTH Authentication required.} and no handler runs.
     * AUTH and HELLO are then the built-ins even when a handler has their name. The check runs on the
     * connection's event loop in request order, so a pipelined {@code AUTH} covers the commands behind it.
     * {@code null} turns it off; a change applies to connections not yet authenticated (as {@code CONFIG SET
     * requirepass} in Redis). Without it, {@code AUTH} goes to a handler of that name, as in Swoole.
     *
     * @throws IllegalArgumentException for an empty password
     */
    public RedisServer requirePass(String password) {
        if (password != null && password.isEmpty()) {
            throw new IllegalArgumentException("an empty Redis password: pass null to turn AUTH off");
        }
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
        return this;
    }

    /** Whether {@link #requirePass} is on. */
    boolean requiresPass() {
        return password != null;
    }

    /** Whether {@code candidate} is the password of {@link #requirePass} (in time that does not depend on it). */
    boolean passwordMatches(byte[] candidate) {
        byte[] p = password;
        return p != null && java.security.MessageDigest.isEqual(p, candidate);
    }

    /** {@link Server#set}; {@code open_redis_protocol} is always true on the server's own port. */
    @Override
    public RedisServer set(Map<String, ?> values) {
        Map<String, Object> rest = new LinkedHashMap<>(values);
        Object on = rest.remove("open_redis_protocol");
        if (on != null && !Boolean.TRUE.equals(on)) {
            throw new IllegalArgumentException("setting 'open_redis_protocol' is always true on the server's own port");
        }
        super.set(rest);
        return this;
    }

    /**
     * A port from {@link #listen} speaks Redis with {@code open_redis_protocol: true}; without it, its data goes
     * to {@code receive} as on any server.
     */
    @Override
    protected Map<String, ?> portSettings(Port port, Map<String, ?> values) {
        if (!values.containsKey("open_redis_protocol")) {
            return values;
        }
        Map<String, Object> rest = new LinkedHashMap<>(values);
        Object v = rest.remove("open_redis_protocol");
        if (!(v instanceof Boolean on)) {
            throw new IllegalArgumentException("setting 'open_redis_protocol' takes a boolean, got " + v);
        }
        if (!on && port.index() == 0) {
            throw new IllegalArgumentException("setting 'open_redis_protocol' is always true on the server's own port");
        }
        if (on && !port.type().isStream()) {
            throw new IllegalArgumentException("setting 'open_redis_protocol' needs a TCP or Unix stream port, not "
                    + port.type());
        }
        ProtocolSupport.use(port, on ? protocol : null);
        return rest;
    }

    /**
     * Swoole's {@code Redis\Server::format}: {@code value} as RESP2 text of reply {@code type}. NIL is {@code $-1};
     * ERROR and STATUS default to {@code -ERR} and {@code +OK}; INT, STRING, SET (a list) and MAP (a map, written as
     * Swoole writes it: a flat array of keys and values) need a value. In a SET or MAP an integer or boolean is an
     * integer, a list a SET, a map a MAP, null a NIL, anything else a string.
     *
     * @throws IllegalArgumentException for an unknown type, or a missing value
     */
    public static String format(int type, Object value) {
        if (value == null && type >= INT) {
            throw new IllegalArgumentException("Redis\\Server::format: type " + type + " requires more parameters");
        }
        Reply r = switch (type) {
            case NIL -> Reply.NIL;
            case ERROR -> new Reply.Error(value == null ? "ERR" : value.toString());
            case STATUS -> new Reply.Status(value == null ? "OK" : value.toString());
            case INT -> new Reply.Int(value instanceof Number n ? n.longValue() : Boolean.TRUE.equals(value) ? 1
                    : value instanceof Boolean ? 0 : Long.parseLong(value.toString().trim()));
            case STRING -> new Reply.Bulk(value instanceof byte[] b ? b : value.toString()
                    .getBytes(StandardCharsets.UTF_8));
            case SET, MAP -> swoole(value);
            default -> throw new IllegalArgumentException("Redis\\Server::format: unknown type " + type);
        };
        ByteBuf out = Unpooled.buffer();
        try {
            Resp.write(r, 2, out);
            return out.toString(StandardCharsets.UTF_8);
        } finally {
            out.release();
        }
    }

    /** A value of a SET or MAP as Swoole's format reads it. */
    private static Reply swoole(Object v) {
        return switch (v) {
            case null -> Reply.NIL;
            case Boolean b -> new Reply.Int(b ? 1 : 0);
            case Integer i -> new Reply.Int(i);
            case Long l -> new Reply.Int(l);
            case Map<?, ?> m -> {
                Map<Reply, Reply> out = new LinkedHashMap<>();
                m.forEach((k, x) -> out.put(Reply.bulk(String.valueOf(k)), swoole(x)));
                yield new Reply.MapReply(out);
            }
            case List<?> l -> new Reply.Array(l.stream().map(RedisServer::swoole).toList());
            case byte[] b -> new Reply.Bulk(b);
            default -> Reply.bulk(v.toString());
        };
    }
}
