package io.jswoole.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's project (it/user-project: the BOM, {@code jswoole-http}, nothing else), built by Maven against the
 * artifacts this build has just installed, and run the ways a Java developer runs it: {@code java -cp} with no
 * flag at all (refused, with the flag to add), {@code java -jar} with no flag (the manifest carries it),
 * {@code java -cp} with only the documented flag, and {@code mvn exec:java} ({@code .mvn/jvm.config} carries it).
 * Each running way serves an HTTP request, a WebSocket echo and pipelined requests in order, keeps a PROCESS-mode
 * TCP connection through a kill -9 of its worker JVM, and answers a slow request in progress when SIGTERM comes.
 */
class UserProjectTest {
    private static final String FLAG = "--add-opens java.base/java.lang=ALL-UNNAMED";
    private static final Duration START = Duration.ofSeconds(60);
    @TempDir
    static Path tmp;
    private static Path project;
    private static String classPath;
    private final List<Process> started = new ArrayList<>();

    @BeforeAll
    static void buildTheUserProject() throws Exception {
        project = tmp.resolve("user-project");
        Path from = Paths.get(System.getProperty("user.project"));
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.toString().contains("/target")) {
                    continue;
                }
                Path to = project.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Process build = clean(new ProcessBuilder(mvn("package"))).directory(project.toFile())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("build.log").toFile()).start();
        assertThat(build.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(build.exitValue()).as(Files.readString(tmp.resolve("build.log"))).isZero();
        StringBuilder cp = new StringBuilder(project.resolve("target/classes").toString());
        try (Stream<Path> libs = Files.list(project.resolve("target/lib"))) {
            libs.sorted().forEach(l -> cp.append(':').append(l));
        }
        classPath = cp.toString();
    }

    @AfterEach
    void stopWhatStarted() {
        for (Process p : started) {
            p.destroyForcibly();
        }
    }

    @Test
    void plainJavaWithNoFlagRefusesToStartAndNamesTheFlag() throws Exception {
        Process p = clean(new ProcessBuilder(java(), "-cp", classPath, "com.example.App", "http", "0"))
                .redirectErrorStream(true).start();
        started.add(p);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isNotZero();
        assertThat(out).contains("jswoole runs the coroutines of a worker one at a time").contains(FLAG)
                .doesNotContain("READY");
    }

    @Test
    void javaJarWithNoFlag() throws Exception {
        String jar = project.resolve("target/hello-jswoole-1.0.jar").toString();
        servesEverything(List.of(java(), "-jar", jar));
    }

    @Test
    void javaWithTheDocumentedFlag() throws Exception {
        servesEverything(List.of(java(), "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", classPath,
                "com.example.App"));
    }

    @Test
    void mvnExecJava() throws Exception {
        servesEverything(mvn("exec:java", "-Dexec.args=ARGS"));
    }

    /** {@code command} runs the app; its arguments follow it, or replace {@code ARGS} in the last element. */
    private void servesEverything(List<String> command) throws Exception {
        try (Running http = start(command, "http")) {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(http.uri("http", "/hi")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("hello from /hi");
            assertPipelinedInOrder(http.port);
            assertWebSocketEcho(client, http);
            // SIGTERM while a request sleeps in its handler: it still gets its answer, then the app exits
            CompletableFuture<HttpResponse<String>> slow = client.sendAsync(
                    HttpRequest.newBuilder(http.uri("http", "/slow?s=1.5")).build(),
                    HttpResponse.BodyHandlers.ofString());
            Thread.sleep(500);
            http.process.destroy();
            HttpResponse<String> answered = slow.get(20, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).isEqualTo(200);
            assertThat(answered.body()).isEqualTo("slow answer");
            assertThat(http.process.waitFor(30, TimeUnit.SECONDS)).as("exits after SIGTERM").isTrue();
            assertThat(http.output()).contains("STOPPED");
        }
        try (Running tcp = start(command, "tcp"); Socket s = new Socket()) {
            s.setSoTimeout(30_000);
            s.connect(new InetSocketAddress("127.0.0.1", tcp.port), 5000);
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = s.getOutputStream();
            out.write("pid\n".getBytes(StandardCharsets.US_ASCII));
            long worker = Long.parseLong(in.readLine());
            assertThat(worker).isNotEqualTo(tcp.process.pid());
            new ProcessBuilder("kill", "-9", String.valueOf(worker)).start().waitFor();
            // what reached the worker's socket before it died is lost with it (at most once, as in Swoole):
            // ask again once it is gone
            ProcessHandle.of(worker).ifPresent(h -> h.onExit().join());
            // the master holds the connection; the next worker JVM answers on it
            long next = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                out.write("pid\n".getBytes(StandardCharsets.US_ASCII));
                next = Long.parseLong(in.readLine());
                if (next != worker) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(next).as("a new worker JVM answers on the same connection").isNotEqualTo(worker);
            out.write("still here\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("still here");
        }
    }

    private static void assertPipelinedInOrder(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.setSoTimeout(10_000);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            StringBuilder batch = new StringBuilder();
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                batch.append("GET /p").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
                expected.append("hello from /p").append(i);
            }
            s.getOutputStream().write(batch.toString().getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            StringBuilder got = new StringBuilder();
            for (int i = 0; i < 30; i++) {
                int length = -1;
                for (String line = line(in); !line.isEmpty(); line = line(in)) {
                    if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                assertThat(length).isNotNegative();
                got.append(new String(in.readNBytes(length), StandardCharsets.UTF_8));
            }
            assertThat(got.toString()).isEqualTo(expected.toString());
        }
    }

    private static void assertWebSocketEcho(HttpClient client, Running http) throws Exception {
        var frames = new LinkedBlockingQueue<String>();
        WebSocket ws = client.newWebSocketBuilder().buildAsync(http.uri("ws", "/"), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                frames.add(data.toString());
                w.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        ws.sendText("ping pong", true).get(10, TimeUnit.SECONDS);
        assertThat(frames.poll(10, TimeUnit.SECONDS)).isEqualTo("echo: ping pong");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            assertThat(b).as("connection open").isNotNegative();
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    /** Starts the app and waits for its {@code READY <port>} line. */
    private Running start(List<String> command, String what) throws Exception {
        List<String> cmd = new ArrayList<>(command);
        String last = cmd.getLast();
        if (last.contains("ARGS")) {
            cmd.set(cmd.size() - 1, last.replace("ARGS", what + " 0"));
        } else {
            cmd.addAll(List.of(what, "0"));
        }
        Path log = Files.createTempFile(tmp, what, ".log");
        Process p = clean(new ProcessBuilder(cmd)).directory(project.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        started.add(p);
        Running app = new Running(p, log);
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            for (String l : app.output().split("\n")) {
                if (l.startsWith("READY ")) {
                    app.port = Integer.parseInt(l.substring(6).trim());
                    return app;
                }
            }
            assertThat(p.isAlive()).as(cmd + " is running: " + app.output()).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError(cmd + " did not start: " + app.output());
    }

    /** A user's environment: the JDK this build runs on, and none of the launcher's settings. */
    private static ProcessBuilder clean(ProcessBuilder pb) {
        var env = pb.environment();
        for (String v : List.of("_JAVA_SR_SIGNUM", "JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS", "MAVEN_OPTS")) {
            env.remove(v);
        }
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return pb;
    }

    private static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static List<String> mvn(String... goals) {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("mvn"), "-B", "-q",
                "-Djswoole.version=" + System.getProperty("jswoole.version"),
                "-Dmaven.repo.local=" + System.getProperty("maven.repo.local")));
        cmd.addAll(List.of(goals));
        return cmd;
    }

    private static final class Running implements AutoCloseable {
        final Process process;
        final Path log;
        int port;

        Running(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        URI uri(String scheme, String path) {
            return URI.create(scheme + "://127.0.0.1:" + port + path);
        }

        String output() throws IOException {
            return Files.readString(log);
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
