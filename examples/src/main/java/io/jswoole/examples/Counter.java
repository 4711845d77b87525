package io.jswoole.examples;

import io.jswoole.memory.Atomic;
import io.jswoole.memory.Table;
import io.jswoole.server.Server;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code counter}: a TCP line protocol backed by shared memory. {@code incr KEY} answers the key's new value,
 * {@code get KEY} its current value, {@code total} the number of increments so far (an {@link Atomic}). The table
 * and the atomic are created before {@code start()}, so in PROCESS mode every worker JVM sees the same counts.
 */
public final class Counter {
    private Counter() {
    }

    public static Server create(ExampleOptions o) {
        Table counts = new Table("counter", 4096, 0.2).column("n", Table.Type.INT);
        counts.create();
        Atomic total = new Atomic("counter-total", 0);
        Server server = new Server(o.host(), o.port(), o.mode());
        Map<String, Object> settings = new LinkedHashMap<>(Map.of("open_eof_split", true, "package_eof", "\n"));
        settings.putAll(o.settings());
        server.set(settings);
        server.onReceive((srv, fd, reactorId, data) -> {
            String[] cmd = new String(data).trim().split("\\s+", 2);
            String reply = switch (cmd[0]) {
                case "incr" -> {
                    if (cmd.length < 2) {
                        yield "-ERR usage: incr KEY";
                    }
                    total.add(1);
                    yield Long.toString(counts.incr(cmd[1], "n"));
                }
                case "get" -> {
                    if (cmd.length < 2) {
                        yield "-ERR usage: get KEY";
                    }
                    Object n = counts.get(cmd[1], "n");
                    yield n == null ? "0" : n.toString();
                }
                case "total" -> Long.toString(total.get());
                default -> "-ERR unknown command '" + cmd[0] + "' (incr KEY, get KEY, total)";
            };
            srv.send(fd, reply + "\n");
        });
        server.onShutdown(srv -> {
            counts.destroy();
            total.destroy();
        });
        return server;
    }
}
