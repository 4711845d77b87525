package io.jswoole.examples;

import static io.jswoole.server.Running.curl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jswoole.server.Running;
import io.jswoole.server.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The examples: http-hello with curl, and the chat page in two tabs of a real headless Chromium. */
class ExamplesTest {
    @TempDir
    Path tmp;

    @Test
    void httpHello() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(root.resolve("hello.txt"), "static hello");
        Path up = tmp.resolve("up.txt");
        Files.writeString(up, "uploaded");
        try (Running s = Running.start(HttpHello.create("127.0.0.1", 0, Mode.BASE,
                Map.of("worker_num", 1, "document_root", root.toString())))) {
            assertThat(curl("-i", s.url("/"))).containsIgnoringCase("content-type: text/plain")
                    .endsWith("Hello, World!");
            assertThat(curl(s.url("/sleep?ms=20"))).isEqualTo("slept 20 ms\n");
            assertThat(curl("--data-binary", "ping", s.url("/echo"))).isEqualTo("ping");
            assertThat(curl("-F", "f=@" + up, s.url("/upload"))).startsWith("f: 8 bytes -> ")
                    .contains(HttpHello.UPLOADS.toString());
            assertThat(curl(s.url("/hello.txt"))).isEqualTo("static hello");
        }
    }

    @Test
    void processPipe() throws Exception {
        Files.writeString(tmp.resolve("one.txt"), "1");
        Files.writeString(tmp.resolve("two.txt"), "2");
        var buf = new java.io.ByteArrayOutputStream();
        var exit = ProcessPipe.run(tmp.toString(), new java.io.PrintStream(buf, true, "UTF-8"));
        String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(out).containsPattern("child (\\d+) got 'hello' \\(5 chars\\)\n")
                .contains("got 'from the parent' (15 chars)\n", "got 'bye' (3 chars)\n")
                .containsPattern("child exited: Exit\\[pid=\\d+, code=0, signal=0\\]")
                .contains("ls -1 " + tmp + ":\none.txt\ntwo.txt\nls exited: ");
        assertThat(exit.code()).isZero();
        assertThat(exit.signal()).isZero();
    }

    /** The pool example fed by netcat, as its Javadoc says to try it. */
    @Test
    void poolFedThroughListenByNetcat() throws Exception {
        var pool = PoolJobs.create("127.0.0.1", 0);
        var up = new java.util.concurrent.CountDownLatch(1);
        pool.onStart(p -> up.countDown());
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                pool.start();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            assertThat(up.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            var workers = new java.util.HashSet<String>();
            for (int i = 0; i < 8; i++) {
                Process nc = new ProcessBuilder("/bin/sh", "-c", "printf '\\000\\000\\000\\005hello' | nc -q1 127.0.0.1 "
                        + pool.port() + " | tail -c +5").start();
                String out = new String(nc.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(nc.waitFor()).isZero();
                assertThat(out).matches("worker #[0-3] \\(pid \\d+\\): olleh\n");
                workers.add(out.substring(0, 9));
            }
            assertThat(workers).hasSizeGreaterThan(1);
        } finally {
            pool.shutdown();
            t.join(30_000);
        }
    }

    /** In PROCESS mode the two tabs' sockets go to two worker JVMs (fd mod 2): the broadcast crosses them. */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void chatInTwoBrowserTabs(Mode mode) throws Exception {
        assumeTrue(Files.isExecutable(Chromium.BINARY), "needs Debian's chromium (apt-get install -y chromium)");
        var chat = WebSocketChat.create("127.0.0.1", 0, mode, Map.of("worker_num", 2));
        if (mode == Mode.PROCESS) {
            chat.workerEntry(WebSocketChat.class, "127.0.0.1", "0", "process", "worker_num=2");
        }
        try (Running s = Running.start(chat); Chromium browser = new Chromium()) {
            String log = "Array.from(document.querySelectorAll('#log p')).map(p => p.textContent).join('|')";
            String tab1 = browser.open(s.url("/"));
            assertThat(browser.await(tab1, "document.body && document.body.dataset.state", "open")).isEqualTo("open");
            String tab2 = browser.open(s.url("/"));
            assertThat(browser.await(tab2, "document.body && document.body.dataset.state", "open")).isEqualTo("open");
            String first = browser.await(tab1, log, "joined|user-");
            assertThat(first.split("\\|")).hasSize(2).allMatch(l -> l.matches("user-\\d+ joined"));
            String me2 = browser.eval(tab2, log).replaceAll(".*(user-\\d+) joined$", "$1");
            browser.eval(tab1, "(() => { document.getElementById('msg').value = 'hello from tab 1';"
                    + " document.querySelector('#form button').click(); return 'sent'; })()");
            assertThat(browser.await(tab2, log, "hello from tab 1")).contains(": hello from tab 1");
            browser.eval(tab2, "(() => { document.getElementById('msg').value = 'hi back';"
                    + " document.querySelector('#form button').click(); return 'sent'; })()");
            assertThat(browser.await(tab1, log, "hi back")).contains(me2 + ": hi back");
            browser.closeTab(tab2);
            assertThat(browser.await(tab1, log, me2 + " left")).endsWith(me2 + " left");
        }
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** redis-kv's keys live in a shared Table: two worker JVMs incrementing one key lose no update. */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void redisKvWithRedisCliAndRedisBenchmark(Mode mode) throws Exception {
        var kv = RedisKv.create(new ExampleOptions("127.0.0.1", 0, mode, Map.of("worker_num", 2)));
        if (mode == Mode.PROCESS) {
            kv.workerEntry(RedisKv.class, "--mode", "process", "--port", "0", "--set", "worker_num=2");
        }
        try (Running s = Running.start(kv)) {
            String port = String.valueOf(s.port());
            run("redis-cli", "-p", port, "flushall");
            assertThat(run("redis-cli", "-p", port, "set", "k", "v", "EX", "100")).isEqualTo("OK\n");
            assertThat(run("redis-cli", "-p", port, "mget", "k", "nothing")).isEqualTo("v\n\n");
            assertThat(run("redis-cli", "-p", port, "ttl", "k")).matches("(100|99)\n");
            assertThat(run("redis-cli", "-p", port, "del", "k", "nothing")).isEqualTo("1\n");
            String bench = run("redis-benchmark", "-p", port, "-t", "set,get,incr,mset", "-n", "4000", "-c", "8",
                    "-P", "16", "-q");
            assertThat(bench).contains("SET", "GET", "INCR", "MSET").doesNotContainIgnoringCase("error");
            // 4,000 increments of one key from 8 connections, spread over both workers
            assertThat(run("redis-cli", "-p", port, "get", "counter:__rand_int__")).isEqualTo("4000\n");
        }
    }
}
