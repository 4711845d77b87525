package io.jswoole.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

/** {@link RedisServer} in every mode, with real clients: raw sockets, redis-cli, redis-benchmark, Jedis, Lettuce. */
class RedisServerTest {
    /** A started server; closing it shuts it down. */
    record Up(Server server, Probe probe) implements AutoCloseable {
        static Up start(Mode mode, Map<String, ?> settings) throws Exception {
            return start(mode, settings, Kv.class);
        }

        static Up start(Mode mode, Map<String, ?> settings, Class<? extends Recipe> recipe) throws Exception {
            Probe probe = Probe.create();
            Server s = Recipe.server(mode, settings, recipe, probe);
            Thread.ofPlatform().name("test-redis").start(s::start);
            assertThat(s.awaitStarted(20, TimeUnit.SECONDS)).as("server started").isTrue();
            return new Up(s, probe);
        }

        int port() {
            return server.port();
        }

        Socket connect() throws IOException {
            Socket c = new Socket();
            c.setSoTimeout(10_000);
            c.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
            return c;
        }

        @Override
        public void close() throws Exception {
            server.shutdown();
            assertThat(server.awaitStopped(20, TimeUnit.SECONDS)).as("server stopped").isTrue();
            probe.close();
        }
    }

    static final Map<String, Object> ONE_WORKER = Map.of("worker_num", 1, "task_worker_num", 2);

    /** {@link #ONE_WORKER} and one more setting. */
    private static Map<String, Object> oneWorkerWith(String key, Object value) {
        Map<String, Object> settings = new java.util.HashMap<>(ONE_WORKER);
        settings.put(key, value);
        return settings;
    }

    static String exchange(Socket c, String request, int replyBytes) throws IOException {
        c.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
        byte[] b = c.getInputStream().readNBytes(replyBytes);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Sends {@code request} and reads as many bytes as {@code expected} has: they must be those. */
    static void expect(Socket c, String request, String expected) throws IOException {
        assertThat(exchange(c, request, expected.getBytes(StandardCharsets.UTF_8).length)).as(request)
                .isEqualTo(expected);
    }

    /** Reads until what came ends with {@code suffix}. */
    static String readUntil(Socket c, String suffix) throws IOException {
        StringBuilder b = new StringBuilder();
        InputStream in = c.getInputStream();
        while (!b.toString().endsWith(suffix)) {
            int ch = in.read();
            if (ch < 0) {
                throw new IOException("EOF after " + b);
            }
            b.append((char) ch);
        }
        return b.toString();
    }

    /** Reads until the peer closes; what came before. */
    static String readToEof(Socket c) throws IOException {
        InputStream in = c.getInputStream();
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void pipelinedCommandsAreAllAnsweredInRequestOrderEvenWhenAHandlerWaits(Mode mode) throws Exception {
        try (Up up = Up.start(mode, ONE_WORKER); Socket c = up.connect()) {
            String replies = "+SLEPT 300\r\n+OK\r\n$1\r\n1\r\n:1\r\n+PONG\r\n$-1\r\n";
            String got = exchange(c, "SLEEP 300\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\nGET a\r\nINCR n\r\n"
                    + "PING\r\nGET missing\r\n", replies.length());
            assertThat(got).isEqualTo(replies);
            // the seeds' example: LPUSH hands the job to a task worker; 16 pipelined, 16 task ids
            StringBuilder pushes = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                pushes.append("LPUSH queue job").append(i).append("\r\n");
            }
            c.getOutputStream().write(pushes.toString().getBytes());
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream()));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                ids.add(in.readLine());
            }
            assertThat(ids).allMatch(l -> l.matches(":\\d+")).doesNotHaveDuplicates();
            assertThat(eventually(() -> up.probe().events().size() == 16)).as(up.probe().events().toString())
                    .isTrue();
            assertThat(up.probe().events()).contains("task [queue, job0]", "task [queue, job15]");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void realClientsWork(Mode mode) throws Exception {
        try (Up up = Up.start(mode, ONE_WORKER)) {
            String port = String.valueOf(up.port());
            assertThat(run("redis-cli", "-p", port, "ping")).isEqualTo("PONG\n");
            assertThat(run("redis-cli", "-p", port, "set", "cli", "yes")).isEqualTo("OK\n");
            assertThat(run("redis-cli", "-p", port, "get", "cli")).isEqualTo("yes\n");
            assertThat(run("redis-cli", "-3", "-p", port, "hello", "3")).contains("proto").contains("3")
                    .doesNotContain("failed");
            // mass insertion: redis-cli --pipe ends with an ECHO and waits for it
            StringBuilder mass = new StringBuilder();
            for (int i = 0; i < 1000; i++) {
                mass.append("*3\r\n$3\r\nSET\r\n$").append(String.valueOf(i).length() + 1).append("\r\nm").append(i)
                        .append("\r\n$1\r\nv\r\n");
            }
            java.nio.file.Path file = java.nio.file.Files.createTempFile("mass", ".resp");
            java.nio.file.Files.writeString(file, mass);
            String pipe = run("bash", "-c", "redis-cli -p " + port + " --pipe < " + file);
            java.nio.file.Files.delete(file);
            assertThat(pipe).contains("errors: 0, replies: 1000");
            String bench = run("redis-benchmark", "-p", port, "-t", "ping,set,get", "-n", "5000", "-c", "10", "-P",
                    "16", "-q");
            assertThat(bench).contains("PING_INLINE", "PING_MBULK", "SET", "GET").contains("requests per second")
                    .doesNotContainIgnoringCase("error");
            assertThat(run("redis-benchmark", "-3", "-p", port, "-t", "get", "-n", "2000", "-c", "4", "-q"))
                    .contains("GET").contains("requests per second").doesNotContainIgnoringCase("error");

            try (Jedis jedis = new Jedis("127.0.0.1", up.port())) {
                assertThat(jedis.set("jedis", "1")).isEqualTo("OK");
                Pipeline p = jedis.pipelined();
                List<Response<Long>> incrs = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    incrs.add(p.incr("jedis-n"));
                }
                p.sync();
                assertThat(incrs.get(99).get()).isEqualTo(100L);
                assertThat(jedis.get("jedis")).isEqualTo("1");
            }

            RedisClient client = RedisClient.create("redis://127.0.0.1:" + port);
            try (StatefulRedisConnection<String, String> conn = client.connect()) { // sends HELLO 3
                assertThat(conn.sync().set("lettuce", "x")).isEqualTo("OK");
                assertThat(conn.sync().get("lettuce")).isEqualTo("x");
                List<RedisFuture<Long>> futures = new ArrayList<>();
                for (int i = 0; i < 200; i++) {
                    futures.add(conn.async().incr("lettuce-n"));
                }
                assertThat(futures.get(199).get(10, TimeUnit.SECONDS)).isEqualTo(200L);
                assertThat(conn.sync().ping()).isEqualTo("PONG");
            } finally {
                client.shutdown();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void resp3ByHelloAndTheTypesDownConvertedOnResp2(Mode mode) throws Exception {
        String resp2 = "*7\r\n*2\r\n$1\r\nk\r\n:1\r\n*1\r\n$1\r\nx\r\n:1\r\n$3\r\n1.5\r\n$20\r\n12345678901234567890\r\n"
                + "$-1\r\n$2\r\nhi\r\n";
        String resp3 = "*7\r\n%1\r\n$1\r\nk\r\n:1\r\n~1\r\n$1\r\nx\r\n#t\r\n,1.5\r\n(12345678901234567890\r\n"
                + "_\r\n=6\r\ntxt:hi\r\n";
        try (Up up = Up.start(mode, ONE_WORKER); Socket c = up.connect()) {
            assertThat(exchange(c, "TYPES\r\n", resp2.length())).isEqualTo(resp2);
            c.getOutputStream().write("HELLO 3\r\n".getBytes());
            String hello = readUntil(c, "$7\r\nmodules\r\n*0\r\n");
            assertThat(hello).startsWith("%7\r\n").contains("$5\r\nproto\r\n:3\r\n"); // a RESP3 map
            assertThat(exchange(c, "TYPES\r\n", resp3.length())).isEqualTo(resp3);
            expect(c, "HELLO 4\r\n", "-NOPROTO unsupported protocol version\r\n");
            expect(c, "GET nothing\r\n", "_\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void badInputClosesThatConnectionWithRedisErrorAndOthersAreServed(Mode mode) throws Exception {
        try (Up up = Up.start(mode, oneWorkerWith("package_max_length", 4096)); Socket other = up.connect()) {
            expect(other, "PING\r\n", "+PONG\r\n");
            Map<String, String> cases = Map.of(
                    "*1\r\nfoo\r\n", "-ERR Protocol error: expected '$', got 'f'\r\n",
                    "*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n",
                    "*1\r\n$5000\r\n", "-ERR Protocol error: invalid bulk length\r\n",
                    "*1\r\n$3\r\nabcde\r\n", "-ERR Protocol error: expected CRLF after a bulk of 3 bytes\r\n",
                    "set a \"b\r\n", "-ERR Protocol error: unbalanced quotes in request\r\n",
                    "PING\r\n*1\r\nx\r\n", "+PONG\r\n-ERR Protocol error: expected '$', got 'x'\r\n");
            for (Map.Entry<String, String> e : cases.entrySet()) {
                try (Socket c = up.connect()) {
                    c.getOutputStream().write(e.getKey().getBytes());
                    assertThat(readToEof(c)).as(e.getKey()).isEqualTo(e.getValue());
                }
            }
            try (Socket c = up.connect()) { // an inline request over 64 KiB without its newline
                c.getOutputStream().write("x".repeat(70_000).getBytes());
                assertThat(readToEof(c)).isEqualTo("-ERR Protocol error: too big inline request\r\n");
            }
            // an unknown command and a failing handler: an error, the connection stays
            expect(other, "NOPE 1\r\n", "-ERR unknown command 'NOPE'\r\n");
            String boom = "-ERR the handler of 'BOOM' failed: IllegalStateException\r\n";
            assertThat(exchange(other, "BOOM\r\n", boom.length())).isEqualTo(boom);
            expect(other, "PING\r\n", "+PONG\r\n");
            assertThat(eventually(() -> up.server().connections().size() == 1)).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void connectionCommandsAreBuiltIn(Mode mode) throws Exception {
        try (Up up = Up.start(mode, ONE_WORKER); Socket c = up.connect()) {
            expect(c, "ECHO hi\r\n", "$2\r\nhi\r\n");
            expect(c, "SELECT 0\r\n", "+OK\r\n");
            expect(c, "SELECT 9\r\n", "-ERR DB index is out of range\r\n");
            expect(c, "CLIENT SETNAME me\r\nCLIENT GETNAME\r\n", "+OK\r\n$2\r\nme\r\n");
            expect(c, "COMMAND DOCS\r\nCONFIG GET save\r\n", "*0\r\n*0\r\n");
            // CLIENT REPLY OFF: nothing until ON; SKIP: not the next one
            expect(c, "CLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY ON\r\n", "+OK\r\n");
            expect(c, "CLIENT REPLY SKIP\r\nPING\r\nECHO b\r\n", "$1\r\nb\r\n");
            c.getOutputStream().write("QUIT\r\n".getBytes());
            assertThat(readToEof(c)).isEqualTo("+OK\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aClientThatPipelinesWithoutReadingIsNotReadBeyondTheInFlightBound(Mode mode) throws Exception {
        try (Up up = Up.start(mode, ONE_WORKER); Socket flood = up.connect(); Socket other = up.connect()) {
            flood.setReceiveBufferSize(4096);
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] batch = "SLEEP 1\r\n".repeat(1000).getBytes();
                try {
                    for (int i = 0; i < 1000; i++) { // 1,000,000 commands: far past what may wait
                        flood.getOutputStream().write(batch);
                    }
                } catch (IOException e) {
                    // closed below
                }
            });
            Thread.sleep(1500);
            assertThat(writer.isAlive()).as("the server stopped reading the flood").isTrue();
            expect(other, "PING\r\n", "+PONG\r\n");
            flood.close();
            writer.join(10_000);
            expect(other, "PING\r\n", "+PONG\r\n");
        }
    }

    /** 32 clients with 512-deep pipelines: each connection runs at most 64 at once, so 3,000 coroutines suffice. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void manyDeepPipelinesStayUnderMaxCoroutine(Mode mode) throws Exception {
        try (Up up = Up.start(mode, oneWorkerWith("max_coroutine", 3000))) {
            String bench = run("redis-benchmark", "-p", String.valueOf(up.port()), "-t", "set,get", "-n", "40000",
                    "-c", "32", "-P", "512", "-q");
            assertThat(bench).contains("SET", "GET").contains("requests per second")
                    .doesNotContainIgnoringCase("error");
            assertThat(up.server().stats().get("abort_count")).as(up.server().stats().toString()).isEqualTo(0L);
        }
    }

    static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < end) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
