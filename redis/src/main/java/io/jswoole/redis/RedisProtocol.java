package io.jswoole.redis;

import io.jswoole.log.Log;
import io.jswoole.redis.RedisConnection.Request;
import io.jswoole.redis.RedisConnection.Response;
import io.jswoole.server.Port;
import io.jswoole.server.spi.ProtocolSupport;
import io.jswoole.server.Server;
import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.spi.Wire;
import io.netty.channel.Channel;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Redis protocol on a port: {@link CommandDecoder} and {@link RedisConnection} on the connection's event loop,
 * the handlers in the workers. In PROCESS mode a command crosses to the worker JVM and its reply comes back typed
 * (the master writes it in the connection's RESP version); a command that had reached a worker JVM that died is
 * answered with an error, so the replies after it are not held back.
 */
final class RedisProtocol implements PortProtocol, PortProtocol.Remote {
    /** Swoole's default {@code package_max_length}: 2 MiB. */
    static final long DEFAULT_MAX_LENGTH = 2L << 20;

    private final RedisServer server;
    /** PROCESS master: commands given to worker JVMs and not yet answered, for {@link #workerLost}. */
    private final Map<Key, Sent> sent = new ConcurrentHashMap<>();

    private record Key(long connection, long seq) {
    }

    private record Sent(int fd, Delivery delivery) {
    }

    RedisProtocol(RedisServer server) {
        this.server = server;
    }

    @Override
    public void initChannel(Channel ch, Port port) {
        Object max = port.setting().get("package_max_length");
        ch.pipeline().addLast(new CommandDecoder(max instanceof Number n ? n.longValue() : DEFAULT_MAX_LENGTH),
                new RedisConnection(server));
    }

    @Override
    public void onMessage(Server s, int fd, int reactorId, Object message) {
        Request r = (Request) message;
        if (r.origin() != null) {
            r.origin().fd = fd; // BASE and THREAD: the connection now knows its fd, for inline handlers
        }
        RedisServer.Registered h = server.registered(RedisConnection.lowerName(r.argv().get(0)));
        Reply reply = h == null ? Reply.error("ERR unknown command '" + new String(r.argv().get(0),
                StandardCharsets.UTF_8) + "'") : run(h.handler(), fd, r.argv());
        ProtocolSupport.write(s, fd, new Response(r.seq(), reply, r.connection()));
    }

    /** Runs handler {@code h} of command {@code argv}: its reply, or the error its failure is answered with. */
    static Reply run(Handler h, int fd, List<byte[]> argv) {
        try {
            return toReply(h.handle(fd, new Args(argv)));
        } catch (RuntimeException e) {
            String name = new String(argv.get(0), StandardCharsets.UTF_8);
            Log.error("redis fd " + fd + ": the handler of " + name.toUpperCase(Locale.ROOT) + " failed", e);
            return Reply.error("ERR the handler of '" + name + "' failed: " + e.getClass().getSimpleName());
        }
    }

    /** A handler's return value as a reply: null for none. */
    static Reply toReply(Object result) {
        return switch (result) {
            case null -> null;
            case Reply r -> r;
            case String s -> new Reply.Raw(s.getBytes(StandardCharsets.UTF_8));
            case byte[] b -> new Reply.Raw(b);
            default -> Reply.of(result);
        };
    }

    @Override
    public Remote remote() {
        return this;
    }

    // ---- PROCESS mode: commands to worker JVMs, replies back

    @Override
    public void writeMessage(int fd, Object message, Delivery delivery, FrameOutput out) throws IOException {
        Request r = (Request) message;
        sent.put(new Key(r.connection(), r.seq()), new Sent(fd, delivery));
        out.writeLong(r.connection());
        out.writeLong(r.seq());
        out.writeInt(r.argv().size());
        for (byte[] arg : r.argv()) {
            Wire.writeBytes(out, arg);
        }
    }

    @Override
    public Object readMessage(int fd, FrameInput in) throws IOException {
        long connection = in.readLong();
        long seq = in.readLong();
        int n = in.readInt();
        List<byte[]> argv = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            argv.add(Wire.readBytes(in));
        }
        return new Request(connection, seq, argv, null);
    }

    @Override
    public void writeReply(int fd, Object reply, FrameOutput out) throws IOException {
        Response r = (Response) reply;
        out.writeLong(r.connection());
        out.writeLong(r.seq());
        out.writeBoolean(r.reply() != null);
        if (r.reply() != null) {
            write(r.reply(), out);
        }
    }

    @Override
    public Object readReply(int fd, FrameInput in) throws IOException {
        long connection = in.readLong();
        long seq = in.readLong();
        Reply reply = in.readBoolean() ? read(in) : null;
        sent.remove(new Key(connection, seq));
        return new Response(seq, reply, connection);
    }

    @Override
    public Object answer(Object question) {
        return null;
    }

    @Override
    public void workerLost(int workerId) {
        sent.forEach((key, s) -> {
            if (s.delivery().workerId() == workerId && s.delivery().reached() && sent.remove(key, s)) {
                ProtocolSupport.write(server, s.fd(), new Response(key.seq(),
                        Reply.error("ERR the worker running this command exited"), key.connection()));
            }
        });
    }

    /** A reply, typed, for the master to write in the connection's RESP version. */
    static void write(Reply r, FrameOutput out) throws IOException {
        switch (r) {
            case Reply.Status s -> {
                out.writeByte(0);
                Wire.writeString(out, s.text());
            }
            case Reply.Error e -> {
                out.writeByte(1);
                Wire.writeString(out, e.text());
            }
            case Reply.Int i -> {
                out.writeByte(2);
                out.writeLong(i.value());
            }
            case Reply.Bulk b -> {
                out.writeByte(3);
                Wire.writeBytes(out, b.bytes());
            }
            case Reply.Nil n -> out.writeByte(4);
            case Reply.Array a -> items(out, 5, a.items());
            case Reply.MapReply m -> entries(out, 6, m.entries());
            case Reply.SetReply s -> items(out, 7, s.items());
            case Reply.Bool b -> {
                out.writeByte(8);
                out.writeBoolean(b.value());
            }
            case Reply.Double d -> {
                out.writeByte(9);
                out.writeDouble(d.value());
            }
            case Reply.BigNumber b -> {
                out.writeByte(10);
                Wire.writeString(out, b.value().toString());
            }
            case Reply.Verbatim v -> {
                out.writeByte(11);
                Wire.writeString(out, v.format());
                Wire.writeString(out, v.text());
            }
            case Reply.Push p -> items(out, 12, p.items());
            case Reply.Raw raw -> {
                out.writeByte(13);
                Wire.writeBytes(out, raw.bytes());
            }
            case Reply.Attribute a -> {
                entries(out, 14, a.attributes());
                write(a.reply(), out);
            }
        }
    }

    private static void entries(FrameOutput out, int type, Map<Reply, Reply> entries) throws IOException {
        out.writeByte(type);
        out.writeInt(entries.size());
        for (Map.Entry<Reply, Reply> e : entries.entrySet()) {
            write(e.getKey(), out);
            write(e.getValue(), out);
        }
    }

    private static void items(FrameOutput out, int type, List<Reply> items) throws IOException {
        out.writeByte(type);
        out.writeInt(items.size());
        for (Reply item : items) {
            write(item, out);
        }
    }

    static Reply read(FrameInput in) throws IOException {
        int type = in.readByte();
        return switch (type) {
            case 0 -> new Reply.Status(Wire.readString(in));
            case 1 -> new Reply.Error(Wire.readString(in));
            case 2 -> new Reply.Int(in.readLong());
            case 3 -> new Reply.Bulk(Wire.readBytes(in));
            case 4 -> Reply.NIL;
            case 5 -> new Reply.Array(items(in));
            case 6 -> new Reply.MapReply(entries(in));
            case 7 -> new Reply.SetReply(items(in));
            case 8 -> new Reply.Bool(in.readBoolean());
            case 9 -> new Reply.Double(in.readDouble());
            case 10 -> new Reply.BigNumber(new BigInteger(Wire.readString(in)));
            case 11 -> new Reply.Verbatim(Wire.readString(in), Wire.readString(in));
            case 12 -> new Reply.Push(items(in));
            case 13 -> new Reply.Raw(Wire.readBytes(in));
            case 14 -> new Reply.Attribute(entries(in), read(in));
            default -> throw new IOException("unknown reply type " + type);
        };
    }

    private static Map<Reply, Reply> entries(FrameInput in) throws IOException {
        int n = in.readInt();
        Map<Reply, Reply> m = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            m.put(read(in), read(in));
        }
        return m;
    }

    private static List<Reply> items(FrameInput in) throws IOException {
        int n = in.readInt();
        List<Reply> items = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            items.add(read(in));
        }
        return items;
    }
}
