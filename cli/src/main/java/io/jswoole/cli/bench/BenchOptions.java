package io.jswoole.cli.bench;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.jswoole.server.Settings;
import io.netty.util.NetUtil;

/**
 * The command line of {@code ./jswoole bench}, parsed and checked; {@link #parse} throws an
 * IllegalArgumentException whose message says what to type (the CLI prints it on one line, exit code 2).
 *
 * @param requests {@code -n}: total requests split over the clients; 0 without it
 * @param duration {@code -d}; zero without it (with neither -n nor -d, 10 s)
 * @param rate     {@code -R}: requests per second over all clients (open loop); 0 for a closed loop
 */
record BenchOptions(int connections, long requests, Duration duration, Target target, String unit,
                           int threads, int payload, int pipeline, double rate, boolean verify, Duration warmup,
                           Duration timeout, boolean json, String hgrm, String failIf, int hold, long pid,
                           String pidFile, boolean quiet, String unitPath, List<InetAddress> sources,
                           UnitConfig unitConfig) {

    static final String USAGE = """
            usage: ./jswoole bench [-f UNIT] [-s tcp://host:port] [-c N] [-n N | -d DURATION] [options]
              -f UNIT        long_tcp (default), short_tcp, udp, eof, length, http, http2, websocket, redis,
                             or a class implementing io.jswoole.cli.bench.Unit (--unit-path DIR_OR_JAR)
              -s ADDRESS     tcp://host:port (default tcp://127.0.0.1:9501), tls://host:port, udp://host:port,
                             unix:/path
              --source ADDRS the local addresses connections are made from, in turn: 127.0.0.2,127.0.0.3 or
                             127.0.0.2-5 (past one address's ~28,000 ports to one server port)
              -c N           connections (default 16)         -t N      event-loop threads (default 1)
              -n N           requests in all, split over the connections
              -d DURATION    how long to send (10s, 500ms, 2m; default 10s without -n)
              -l BYTES       request payload (default 64; http: the body of a POST)
              -P N           requests in flight per connection (pipelining, default 1)
              -m N           the same as -P (h2load's name: http2 streams open at once per connection)
              -R RATE        requests per second in all: open loop, latency corrected for coordinated omission
              --verify       check every reply (echo content, HTTP status and body, RESP type)
              --warmup D     load before measuring, not counted (default 0)
              --timeout D    a reply later than this is a timeout (default 5s); also the connect timeout
              --json         the result as JSON on stdout (live lines go to stderr)
              --hgrm FILE    the latency histogram, HdrHistogram's percentile distribution (microseconds)
              --fail-if EXPR exit 3 when e.g. 'p99>5ms,errors>0,rps<10000' holds
              --hold N       hold N idle connections; with --pid PID or --pid-file F, the server's RSS per connection
              -q             no live lines
            unit options: --set key=value (Swoole's framing keys: package_eof, package_length_type,
              package_length_offset, package_body_offset, package_max_length; websocket: opcode=text|binary)
              http, http2, websocket: --path /, --method GET, -H 'Name: value'
              redis: --command 'PING', -r KEYSPACE
            """;

    /** Parses the arguments after {@code bench}. */
    static BenchOptions parse(String[] args) {
        Parser p = new Parser(args);
        int connections = 16;
        int threads = 1;
        int payload = 64;
        int pipeline = 1;
        int hold = 0;
        long requests = 0;
        long pid = 0;
        long keyspace = 0;
        double rate = 0;
        Duration duration = Duration.ZERO;
        Duration warmup = Duration.ZERO;
        Duration timeout = Duration.ofSeconds(5);
        Target target = Target.parse("tcp://127.0.0.1:9501");
        String unit = "long_tcp";
        String path = "/";
        String method = "GET";
        String command = "PING";
        String hgrm = null;
        String failIf = null;
        String pidFile = null;
        String unitPath = null;
        boolean verify = false;
        boolean json = false;
        boolean quiet = false;
        boolean lengthGiven = false;
        List<String> headers = new ArrayList<>();
        List<InetAddress> sources = List.of();
        Map<String, Object> settings = new LinkedHashMap<>();
        while (p.more()) {
            String flag = p.next();
            switch (flag) {
                case "-c" -> connections = (int) p.number(flag, 1, 1_000_000, "connections");
                case "-n" -> requests = p.number(flag, 1, Long.MAX_VALUE / 2, "requests");
                case "-d" -> duration = p.duration(flag);
                case "-s" -> target = Target.parse(p.value(flag));
                case "-f" -> unit = p.value(flag);
                case "-t" -> threads = (int) p.number(flag, 1, 256, "threads");
                case "-l" -> {
                    payload = (int) p.number(flag, 0, 64 << 20, "bytes");
                    lengthGiven = true;
                }
                case "-P", "-m" -> pipeline = (int) p.number(flag, 1, 65536, "requests in flight per connection");
                case "-R" -> rate = p.number(flag, 1, 100_000_000, "requests per second");
                case "-r" -> keyspace = p.number(flag, 1, Long.MAX_VALUE, "keys");
                case "--verify" -> verify = true;
                case "--warmup" -> warmup = p.duration(flag);
                case "--timeout" -> timeout = p.duration(flag);
                case "--json" -> json = true;
                case "--hgrm" -> hgrm = writable(p.value(flag));
                case "--fail-if" -> failIf = Thresholds.check(p.value(flag));
                case "--hold" -> hold = (int) p.number(flag, 1, 10_000_000, "connections");
                case "--pid" -> pid = p.number(flag, 1, Long.MAX_VALUE, "a process id");
                case "--pid-file" -> pidFile = p.value(flag);
                case "--unit-path" -> unitPath = p.value(flag);
                case "--path" -> path = p.value(flag);
                case "--method" -> method = p.value(flag);
                case "--command" -> command = p.value(flag);
                case "-H" -> headers.add(p.value(flag));
                case "--set" -> set(settings, p.value(flag));
                case "-q", "--quiet" -> quiet = true;
                case "--source" -> sources = sources(p.value(flag));
                default -> throw new IllegalArgumentException("unknown option '" + flag
                        + "' (./jswoole bench --help lists them)");
            }
        }
        if (requests == 0 && duration.isZero() && hold == 0) {
            duration = Duration.ofSeconds(10);
        }
        if (timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be more than 0, e.g. --timeout 5s");
        }
        if (unit.equals("http") && !lengthGiven) {
            payload = 0;
        }
        if (rate > 0 && rate < connections) {
            throw new IllegalArgumentException("-R " + (long) rate + " is below one request per second per connection"
                    + " (-c " + connections + "): lower -c or raise -R");
        }
        if (!sources.isEmpty() && target.isUnix()) {
            throw new IllegalArgumentException("--source is for TCP and UDP targets, not " + target);
        }
        UnitConfig config = new UnitConfig(target, payload, Map.copyOf(settings), path, method, List.copyOf(headers),
                command, keyspace);
        return new BenchOptions(connections, requests, duration, target, unit, threads, payload, pipeline, rate,
                verify, warmup, timeout, json, hgrm, failIf, hold, pid, pidFile, quiet, unitPath, sources, config);
    }

    /**
     * {@code --source}: addresses separated by commas, each an IP address or an IPv4 range in its last part
     * ({@code 127.0.0.2-5}); every one must be an address of this machine (a connect from another fails as
     * {@code connect error}).
     */
    static List<InetAddress> sources(String value) {
        List<InetAddress> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String a = part.trim();
            int dash = a.lastIndexOf('-');
            int dot = a.lastIndexOf('.');
            try {
                if (dash > dot && dot > 0) {
                    int from = Integer.parseInt(a.substring(dot + 1, dash));
                    int to = Integer.parseInt(a.substring(dash + 1));
                    if (from < 0 || to > 255 || from > to) {
                        throw new IllegalArgumentException("--source " + a + ": a range is low-high within 0-255");
                    }
                    for (int i = from; i <= to; i++) {
                        out.add(InetAddress.getByName(a.substring(0, dot + 1) + i));
                    }
                } else if (NetUtil.isValidIpV4Address(a) || NetUtil.isValidIpV6Address(a)) {
                    out.add(InetAddress.getByName(a)); // a literal: no name lookup
                } else {
                    throw new IllegalArgumentException("--source takes IP addresses (127.0.0.2,127.0.0.3 or "
                            + "127.0.0.2-5), got '" + a + "'");
                }
            } catch (java.net.UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("--source takes IP addresses (127.0.0.2,127.0.0.3 or "
                        + "127.0.0.2-5), got '" + a + "'");
            }
        }
        return List.copyOf(out);
    }

    /** {@code --set key=value}: Swoole's keys typed as Server.set types them, other keys kept as strings. */
    private static void set(Map<String, Object> settings, String kv) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--set takes key=value, got '" + kv + "'");
        }
        String key = kv.substring(0, eq);
        String raw = kv.substring(eq + 1);
        Object value;
        try {
            value = Settings.parse(key, raw);
        } catch (IllegalArgumentException e) {
            if (key.startsWith("package_") || key.startsWith("open_")) {
                throw new IllegalArgumentException("--set " + e.getMessage());
            }
            value = raw; // a key of a unit of one's own
        }
        settings.put(key, value);
    }

    /** A file that can be written after the run: checked now, so that the run is not lost to a typo. */
    private static String writable(String file) {
        java.nio.file.Path dir = java.nio.file.Path.of(file).toAbsolutePath().getParent();
        if (dir == null || !java.nio.file.Files.isDirectory(dir) || !java.nio.file.Files.isWritable(dir)) {
            throw new IllegalArgumentException("--hgrm " + file + ": no writable directory " + dir);
        }
        return file;
    }

    /** True with {@code -R}: requests are sent on a schedule, not when replies come back. */
    boolean openLoop() {
        return rate > 0;
    }

    /** The flags, one after the other, with their values. */
    private static final class Parser {
        private final String[] args;
        private int i;

        Parser(String[] args) {
            this.args = args;
        }

        boolean more() {
            return i < args.length;
        }

        String next() {
            return args[i++];
        }

        String value(String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value (./jswoole bench --help)");
            }
            return args[i++];
        }

        long number(String flag, long min, long max, String what) {
            String v = value(flag);
            try {
                long n = Long.parseLong(v.replace("_", "").replace(",", ""));
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the message below says what is expected
            }
            throw new IllegalArgumentException(flag + " takes a number of " + what + " from " + min + " to " + max
                    + ", got '" + v + "'");
        }

        Duration duration(String flag) {
            String v = value(flag);
            try {
                return Durations.parse(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(flag + " takes a duration such as 10s, 500ms or 2m, got '" + v
                        + "'");
            }
        }
    }
}
