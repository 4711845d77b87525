package io.jswoole.examples;

import io.jswoole.event.Event;
import io.jswoole.log.Log;
import io.jswoole.server.Server;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code admin-port}, the seeds' "listen on a port inside a worker" (在worker进程内监听一个Server端口): the server
 * echoes on its port, and worker 0 alone also listens on an admin port (the server's port + 1 from
 * {@code ./jswoole run}) with a plain {@link ServerSocketChannel} added to its event loop with {@link Event#add},
 * so the admin connections run as worker 0's coroutines beside its share of the server's connections; in PROCESS
 * mode, in worker 0's JVM. Admin commands, one a line: {@code ping}, {@code stats} (who answers, and the server's
 * {@code stats()}), {@code quit}. Try: {@code printf 'ping\nstats\n' | nc -q1 127.0.0.1 9502}.
 */
public final class AdminPort {
    /** A command line longer than this closes the admin connection (nothing grows without bound). */
    static final int MAX_LINE = 1024;

    private AdminPort() {
    }

    /** {@code --admin-port N} and the common flags; a worker JVM of PROCESS mode runs this again. */
    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        int admin = -1;
        int i = rest.indexOf("--admin-port");
        if (i >= 0 && i + 1 < rest.size()) {
            admin = Integer.parseInt(rest.get(i + 1));
            rest.subList(i, i + 2).clear();
        }
        ExampleOptions o = ExampleOptions.parse(rest.toArray(String[]::new), 9501);
        create(o, admin >= 0 ? admin : o.port() + 1).start();
    }

    public static Server create(ExampleOptions o, int adminPort) {
        Server server = new Server(o.host(), o.port(), o.mode());
        server.set(o.settings());
        server.onReceive((srv, fd, reactorId, data) -> srv.send(fd, data));
        List<java.nio.channels.SelectableChannel> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.onWorkerStart((srv, id) -> {
            if (id != 0) {
                return; // only worker 0 listens on the admin port
            }
            try {
                ServerSocketChannel listener = ServerSocketChannel.open()
                        .bind(new InetSocketAddress(o.host(), adminPort));
                open.add(listener);
                Event.add(listener, l -> accept(srv, l, open));
                System.out.println("admin port listening on " + listener.getLocalAddress() + " (worker 0, pid "
                        + ProcessHandle.current().pid() + ")");
            } catch (IOException e) {
                Log.error("admin-port: cannot listen on " + o.host() + ":" + adminPort + ": " + e.getMessage());
            }
        });
        server.onWorkerStop((srv, id) -> {
            for (var ch : open) {
                Event.del(ch); // del before close, as Swoole asks
                try {
                    ch.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            open.clear();
        });
        return server;
    }

    private static void accept(Server srv, ServerSocketChannel l, List<java.nio.channels.SelectableChannel> open)
            throws IOException {
        SocketChannel c = l.accept();
        if (c == null) {
            return;
        }
        open.add(c);
        StringBuilder line = new StringBuilder();
        ByteBuffer buf = ByteBuffer.allocate(4096);
        Event.add(c, s -> {
            buf.clear();
            int n = s.read(buf);
            if (n < 0) {
                if (Event.queued(s) > 0) { // the peer is done sending: close once the answers are out
                    Event.set(s, null, w -> close(w, open), Event.WRITE);
                } else {
                    close(s, open);
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                char ch = (char) (buf.get(i) & 0xff);
                if (ch == '\n') {
                    String cmd = line.toString().strip();
                    line.setLength(0);
                    if (cmd.equals("quit")) {
                        close(s, open);
                        return;
                    }
                    Event.write(s, answer(srv, cmd).getBytes(StandardCharsets.UTF_8));
                } else if (line.length() >= MAX_LINE) {
                    Event.write(s, ("error: a command line is at most " + MAX_LINE + " bytes\n").getBytes());
                    Log.warning("admin-port: a command line over " + MAX_LINE + " bytes; connection closed");
                    close(s, open);
                    return;
                } else {
                    line.append(ch);
                }
            }
        });
    }

    private static String answer(Server srv, String cmd) {
        return switch (cmd) {
            case "ping" -> "pong\n";
            case "stats" -> {
                StringBuilder out = new StringBuilder("worker " + srv.getWorkerId() + " pid "
                        + ProcessHandle.current().pid() + "\n");
                Map<String, Object> stats = new TreeMap<>(srv.stats());
                stats.forEach((k, v) -> out.append(k).append(": ").append(v).append('\n'));
                yield out.append('\n').toString();
            }
            default -> "unknown command '" + cmd + "'; try ping, stats, quit\n";
        };
    }

    private static void close(SocketChannel s, List<java.nio.channels.SelectableChannel> open) throws IOException {
        Event.del(s);
        open.remove(s);
        s.close();
    }
}
