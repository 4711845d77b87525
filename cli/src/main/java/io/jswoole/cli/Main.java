package io.jswoole.cli;

import io.jswoole.examples.Counter;
import io.jswoole.examples.ExampleOptions;
import io.jswoole.examples.HttpHello;
import io.jswoole.examples.WebSocketChat;
import io.jswoole.examples.MultiPort;
import io.jswoole.examples.TcpEcho;
import io.jswoole.examples.UdpEcho;
import io.jswoole.server.Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** The {@code jswoole} command: {@code demo}, {@code run NAME}, {@code bench}, {@code stop}. */
public final class Main {
    /** Servers by example name: each builds a Server from the common flags. */
    static final Map<String, Function<ExampleOptions, Server>> EXAMPLES = new LinkedHashMap<>();

    static {
        EXAMPLES.put("tcp-echo", TcpEcho::create);
        EXAMPLES.put("udp-echo", UdpEcho::create);
        EXAMPLES.put("multi-port", MultiPort::create);
        EXAMPLES.put("counter", Counter::create);
        EXAMPLES.put("http-hello", o -> HttpHello.create(o.host(), o.port(), o.mode(), o.settings()));
        EXAMPLES.put("http2-hello", io.jswoole.examples.Http2Hello::create);
        EXAMPLES.put("websocket-chat", o -> WebSocketChat.create(o.host(), o.port(), o.mode(), o.settings()));
        EXAMPLES.put("redis-kv", io.jswoole.examples.RedisKv::create);
        EXAMPLES.put("redis-task", io.jswoole.examples.RedisTask::create);
        EXAMPLES.put("grpc-hello", io.jswoole.examples.GrpcHello::create);
        EXAMPLES.put("admin-port", o -> io.jswoole.examples.AdminPort.create(o, o.port() == 0 ? 0 : o.port() + 1));
    }

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String cmd = args.length == 0 ? "help" : args[0];
        String[] rest = Arrays.copyOfRange(args, Math.min(1, args.length), args.length);
        try {
            switch (cmd) {
                case "demo" -> demo(rest);
                case "run" -> run(rest);
                case "bench" -> bench(rest);
                case "stop" -> signal(rest, "TERM");
                case "reload" -> signal(rest, "USR1");
                case "stats" -> stats(rest);
                case "help", "-h", "--help" -> help();
                default -> {
                    System.err.println("jswoole: unknown command '" + cmd + "'\n");
                    help();
                    System.exit(2);
                }
            }
        } catch (NumberFormatException e) {
            fail(2, "expected a number, got " + e.getMessage().replaceFirst("^For input string: ", ""));
        } catch (IllegalArgumentException e) {
            fail(2, e.getMessage());
        } catch (java.net.ConnectException e) {
            fail(1, "no server answers (" + e.getMessage() + "); start one first, e.g. ./jswoole run tcp-echo, "
                    + "or give bench --host H --port P");
        } catch (RuntimeException e) {
            // a server that cannot start (a port taken, a setting refused, a JVM flag missing): its own message
            fail(1, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    /** The load generator ({@code io.jswoole.cli.bench}); the older echo generator's command lines go to it. */
    private static void bench(String[] args) throws Exception {
        if (io.jswoole.cli.bench.Bench.legacy(args)) {
            io.jswoole.bench.EchoBench.main(args);
            return;
        }
        int code = io.jswoole.cli.bench.Bench.run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** One line on stderr and the exit code: a CLI error is the user's to fix, not a stack trace. */
    private static void fail(int code, String message) {
        System.err.println("jswoole: " + message);
        System.exit(code);
    }

    private static void help() {
        System.out.println("""
                usage: ./jswoole COMMAND
                  demo [--port P]               start the demo servers (tcp-echo, udp-echo, multi-port, counter,
                                                http-hello, websocket-chat, redis-kv, redis-task,
                                                grpc-hello, http2-hello)
                  run NAME [flags]              run one example: %s
                      flags: --host H --port P --mode base|thread|process --set key=value (repeatable)
                  bench [flags]                 the stress tool: -f long_tcp|short_tcp|udp|eof|length|http|
                                                http2|websocket|redis -s tcp://|tls://host:port -c N
                                                -n N|-d D (bench --help);
                                                the older echo generator: bench --port P --conns N ..., and
                                                bench netty-echo, bench ws|ws-server|ws-netty-echo, bench task
                  run coroutines --count N --sleep-ms M   N coroutines sleeping M ms in Coroutine.run
                  run process-pipe [DIR]        a child process answering lines, another exec'ing ls -1 DIR
                  run pool [--host H] [--port P]  a Process\\Pool of 4 worker JVMs fed through listen
                  stop --pid-file F             SIGTERM (graceful shutdown) to the server whose pid_file is F
                  reload --pid-file F           SIGUSR1 (rolling restart of the worker JVMs, PROCESS mode)
                  stats --pid-file F            the server's stats() as JSON
                  test                          run the whole test suite
                """.formatted(String.join(", ", EXAMPLES.keySet())));
    }

    private static void run(String[] args) throws InterruptedException {
        if (args.length > 0 && args[0].equals("coroutines")) {
            io.jswoole.examples.CoroutinesExample.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("pool")) {
            io.jswoole.examples.PoolJobs.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("process-pipe")) {
            try {
                io.jswoole.examples.ProcessPipe.main(Arrays.copyOfRange(args, 1, args.length));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return;
        }
        if (args.length == 0 || !EXAMPLES.containsKey(args[0])) {
            throw new IllegalArgumentException("run needs an example name: " + String.join(", ", EXAMPLES.keySet()));
        }
        ExampleOptions o = ExampleOptions.parse(Arrays.copyOfRange(args, 1, args.length), 9501);
        Server s = EXAMPLES.get(args[0]).apply(o);
        s.onStart(srv -> {
            System.out.println(args[0] + " listening on " + describe(srv));
            String hint = WebSocketChat.nextNodeHint(args[0], srv.port(), o.settings());
            if (hint != null) {
                System.out.println(hint);
            }
        });
        s.start();
    }

    private static void demo(String[] args) throws InterruptedException {
        ExampleOptions o = ExampleOptions.parse(args, 9501);
        if (o.mode() == io.jswoole.server.Mode.PROCESS) {
            throw new IllegalArgumentException("the demo runs several servers in one JVM, which PROCESS mode cannot "
                    + "re-run in its workers; try ./jswoole run counter --mode process");
        }
        int base = o.port();
        Map<String, Object> settings = new LinkedHashMap<>(o.settings());
        settings.putIfAbsent("worker_num", 2);
        List<Server> servers = new ArrayList<>();
        servers.add(TcpEcho.create(new ExampleOptions(o.host(), base, o.mode(), settings)));
        servers.add(UdpEcho.create(new ExampleOptions(o.host(), base + 1, o.mode(), settings)));
        servers.add(MultiPort.create(new ExampleOptions(o.host(), base + 2, o.mode(), settings)));
        servers.add(Counter.create(new ExampleOptions(o.host(), base + 4, o.mode(), settings)));
        Map<String, Object> withAdmin = new LinkedHashMap<>(settings);
        withAdmin.putIfAbsent("admin_server", o.host() + ":" + (base + 12)); // the dashboard, /metrics, /health
        servers.add(HttpHello.create(o.host(), base + 5, o.mode(), withAdmin));
        servers.add(WebSocketChat.create(o.host(), base + 6, o.mode(), settings));
        servers.add(io.jswoole.examples.RedisKv.create(new ExampleOptions(o.host(), base + 7, o.mode(), settings)));
        servers.add(io.jswoole.examples.RedisTask.create(new ExampleOptions(o.host(), base + 8, o.mode(), settings)));
        servers.add(io.jswoole.examples.GrpcHello.create(new ExampleOptions(o.host(), base + 9, o.mode(), settings)));
        servers.add(io.jswoole.examples.Http2Hello.create(new ExampleOptions(o.host(), base + 10, o.mode(), settings)));
        List<Thread> threads = new ArrayList<>();
        var failed = new java.util.concurrent.LinkedBlockingQueue<RuntimeException>();
        for (Server s : servers) {
            threads.add(Thread.ofPlatform().name("demo-" + s.port()).start(() -> {
                try {
                    s.start();
                } catch (RuntimeException e) {
                    failed.add(e);
                }
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (Server s : servers) {
            while (!s.awaitStarted(50, TimeUnit.MILLISECONDS)) {
                RuntimeException e = failed.poll();
                if (e != null || System.nanoTime() > deadline) {
                    // one server could not start (a port taken, say): none of the demo runs
                    for (Server other : servers) {
                        if (other.isRunning()) {
                            other.shutdown();
                        }
                    }
                    throw e != null ? e : new IllegalStateException("the demo server on port " + s.port()
                            + " did not start within 60 s");
                }
            }
        }
        String h = o.host();
        System.out.printf("""

                jswoole demo (%s mode), Ctrl-C to stop:
                  tcp-echo    tcp %s:%d   try: echo hello | nc -q1 %s %d
                  udp-echo    udp %s:%d   try: echo hello | nc -u -w1 %s %d
                  multi-port  tcp %s:%d   try: echo hi | nc -q1 %s %d          (answers "Swoole: hi")
                              udp %s:%d   try: echo stats | nc -u -w1 %s %d     (answers "welcome admin")
                  counter     tcp %s:%d   try: printf 'incr a\\nincr a\\nget a\\n' | nc -q1 %s %d   (Table + Atomic)
                  http-hello  http://%s:%d/   try: curl http://%s:%d/  (also /sleep?ms=200, POST /echo, /upload)
                  websocket-chat  http://%s:%d/   open it in two browser tabs
                  redis-kv    redis %s:%d   try: redis-cli -p %d set k v; redis-cli -p %d get k
                  redis-task  redis %s:%d   try: redis-cli -p %d lpush queue hello   (a task worker runs it)
                  grpc-hello  h2c %s:%d     gRPC hello.Greeter/SayHello and /Chat; curl %s:%d for a curl call
                  http2-hello https://%s:%d/  try: curl -k --http2 https://%s:%d/   (h2c on %d: curl --http2-prior-knowledge)
                  dashboard   http://%s:%d/   http-hello's admin_server: open it in a browser, then load
                              http-hello (./jswoole bench -f http -s tcp://%s:%d ...); also /metrics, /health/ready
                %n""", o.mode(), h, base, h, base, h, base + 1, h, base + 1, h, base + 2, h, base + 2,
                h, base + 3, h, base + 3, h, base + 4, h, base + 4, h, base + 5, h, base + 5, h, base + 6,
                h, base + 7, base + 7, base + 7, h, base + 8, base + 8, h, base + 9, h, base + 9,
                h, base + 10, h, base + 10, base + 11, h, base + 12, h, base + 5);
        for (Thread t : threads) {
            t.join();
        }
    }

    /** {@code stop} (SIGTERM: graceful shutdown) and {@code reload} (SIGUSR1: rolling restart of the workers). */
    private static void signal(String[] args, String signal) throws IOException {
        if (args.length != 2 || !args[0].equals("--pid-file")) {
            throw new IllegalArgumentException("usage: stop|reload --pid-file FILE");
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(Path.of(args[1])).trim());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no pid file " + args[1] + ": is a server running with "
                    + "--set pid_file=" + args[1] + "?");
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(args[1] + " holds no pid: is it a server's pid_file?");
        }
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() ->
                new IllegalArgumentException("no process " + pid + " (stale pid file " + args[1] + "?)"));
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        System.out.println("sent SIG" + signal + " to " + pid + (p.isAlive() ? "" : " (not alive)"));
    }

    /** {@code stats --pid-file F}: the running server's stats() as JSON, from its socket F.sock. */
    private static void stats(String[] args) throws IOException {
        if (args.length != 2 || !args[0].equals("--pid-file")) {
            throw new IllegalArgumentException("usage: stats --pid-file FILE");
        }
        var address = java.net.UnixDomainSocketAddress.of(args[1] + ".sock");
        try (var ch = java.nio.channels.SocketChannel.open(address)) {
            System.out.print(new String(readAll(ch), StandardCharsets.UTF_8));
        } catch (java.net.SocketException | java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("no server answers at " + args[1] + ".sock (" + e.getMessage() + ")");
        }
    }

    private static byte[] readAll(java.nio.channels.SocketChannel ch) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        var buf = java.nio.ByteBuffer.allocate(8192);
        while (ch.read(buf) > 0) {
            out.write(buf.array(), 0, buf.position());
            buf.clear();
        }
        return out.toByteArray();
    }

    private static String describe(Server s) {
        StringBuilder sb = new StringBuilder();
        for (var p : s.ports()) {
            sb.append(sb.isEmpty() ? "" : ", ").append(p.type()).append(' ').append(p.host()).append(':')
                    .append(p.port());
        }
        return sb + " (" + s.mode() + " mode)";
    }
}
