package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.jswoole.examples.ExampleOptions;
import io.jswoole.examples.TcpEcho;
import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the command prints and writes, its thresholds, --hold, and a unit of one's own. */
class OutputTest {
    private static Servers echo() throws InterruptedException {
        return Servers.start(TcpEcho.create(new ExampleOptions("127.0.0.1", 0, Mode.BASE,
                Servers.oneWorker(Map.of()))));
    }

    @Test
    void aLiveLinePerSecondThenTheFinalBlock() throws Exception {
        try (Servers s = echo()) {
            Load.Output o = Load.command("-s", s.tcp(), "-c", "2", "-d", "1200ms", "--verify");
            assertThat(o.code()).isZero();
            assertThat(o.out()).startsWith("jswoole bench: long_tcp " + s.tcp() + ", 2 connections on 1 thread, "
                    + "closed loop, pipeline 1, payload 64 B, 1.20 s, verifying every reply\n");
            assertThat(o.out()).containsPattern("(?m)^   1s +[0-9,]+ req/s  errors 0  p50 .+  p99 .+  conns 2$");
            assertThat(o.out()).containsPattern("(?m)^requests +[0-9,]+ sent = [0-9,]+ ok \\+ 0 failed, in ")
                    .containsPattern("(?m)^throughput +[0-9,]+ req/s; sent [0-9.]+ MB/s, received [0-9.]+ MB/s$")
                    .containsPattern("(?m)^latency +min .+  p50 .+  p90 .+  p99 .+  p99.9 .+  p99.99 .+  max .+$")
                    .containsPattern("(?m)^connect +2: min .+$").containsPattern("(?m)^first byte +2: min .+$")
                    .contains("errors        none\n").containsPattern("(?m)^generator cpu [0-9]+% of one core");
        }
    }

    @Test
    void jsonAndHgrm(@TempDir Path dir) throws Exception {
        Path hgrm = dir.resolve("latency.hgrm");
        try (Servers s = echo()) {
            Load.Output o = Load.command("-s", s.tcp(), "-c", "2", "-n", "500", "--json", "--hgrm", hgrm.toString());
            assertThat(o.code()).isZero();
            String json = o.out().strip();
            assertThat(json).startsWith("{\"unit\":\"long_tcp\"").endsWith("}")
                    .contains("\"sent\":500,\"ok\":500,")
                    .contains("\"failed\":0").contains("\"latency_us\":{\"count\":500,\"min\":")
                    .contains("\"p99.99\":").contains("\"errors\":{}").contains("\"cpu\":{\"process\":");
            assertThat(o.err()).startsWith("jswoole bench: long_tcp");
            String h = Files.readString(hgrm, StandardCharsets.UTF_8);
            assertThat(h).contains("Value     Percentile TotalCount 1/(1-Percentile)")
                    .containsPattern("Total count += +500]");
        }
    }

    @Test
    void failIfGivesExitCode3WhenAConditionHolds() throws Exception {
        AtomicCorrupt corrupt = new AtomicCorrupt();
        try (Servers s = Servers.start(corrupt.server())) {
            Load.Output bad = Load.command("-s", s.tcp(), "-c", "1", "-n", "300", "--verify", "-q", "--fail-if",
                    "errors>0,p99>1h");
            assertThat(bad.code()).isEqualTo(3);
            assertThat(bad.err().strip()).isEqualTo("jswoole: --fail-if: errors 3.000 > 0");
            Load.Output fine = Load.command("-s", s.tcp(), "-c", "1", "-n", "50", "-q", "--fail-if", "p99>1h");
            assertThat(fine.code()).isZero();
        }
    }

    /** Every 100th reply has a flipped byte. */
    private static final class AtomicCorrupt {
        private final java.util.concurrent.atomic.AtomicLong n = new java.util.concurrent.atomic.AtomicLong();

        Server server() {
            Server s = new Server("127.0.0.1", 0, Mode.BASE);
            s.set(Servers.oneWorker(Map.of()));
            s.onReceive((srv, fd, reactor, data) -> {
                if (n.incrementAndGet() % 100 == 0) {
                    data[0] ^= 1;
                }
                srv.send(fd, data);
            });
            return s;
        }
    }

    @Test
    void holdKeepsIdleConnectionsAndReportsTheServersRssPerConnection() throws Exception {
        try (Servers s = echo()) {
            Load.Output o = Load.command("-s", s.tcp(), "--hold", "50", "--pid",
                    Long.toString(ProcessHandle.current().pid()), "-q");
            assertThat(o.code()).isZero();
            assertThat(o.out()).contains("holding 50 idle connections").contains("held          50 of 50 connections "
                    + "open").containsPattern("server rss +[0-9.]+ MB before, [0-9.]+ MB with them: .+ per connection");
            assertThat(s.server.stats().get("connection_num")).as("all closed after").isNotNull();
        }
    }

    @Test
    void holdUpgradesWebSocketsAndPassesOverWhatTheServerPushes() throws Exception {
        io.jswoole.websocket.WebSocketServer ws = new io.jswoole.websocket.WebSocketServer("127.0.0.1", 0,
                Mode.BASE);
        ws.set(Servers.oneWorker(Map.of()));
        ws.onOpen((srv, req) -> srv.push(req.fd(), "welcome"));
        ws.onMessage((srv, f) -> { });
        try (Servers s = Servers.start(ws)) {
            BenchOptions o = BenchOptions.parse(new String[] {"-f", "websocket", "-s", s.tcp(), "--hold", "20"});
            Result r = Hold.run(o, Units.create(o), new java.io.PrintStream(java.io.OutputStream.nullOutputStream()),
                    null);
            assertThat(r.open()).as("held").isEqualTo(20);
            assertThat(r.total().stray).as("the welcomes").isEqualTo(20);
            assertThat(r.total().connectErrors).isEmpty();
        }
    }

    @Test
    void aUnitOfOnesOwnByItsClassName() throws Exception {
        Server pong = new Server("127.0.0.1", 0, Mode.BASE);
        pong.set(Servers.oneWorker(Map.of("open_eof_split", true, "package_eof", "\n")));
        pong.onReceive((srv, fd, reactor, data) -> srv.send(fd, new String(data, StandardCharsets.US_ASCII)
                .replace("PING", "PONG")));
        try (Servers s = Servers.start(pong)) {
            Result r = Load.run("-f", LineUnit.class.getName(), "-s", s.tcp(), "-c", "2", "-n", "1000", "-P", "4",
                    "--verify");
            assertThat(r.total().ok).isEqualTo(1000);
            assertThat(r.total().errors).isEmpty();
        }
    }

    /** The README's way: a class compiled elsewhere, named with -f and found with --unit-path. */
    @Test
    void aUnitOfOnesOwnFromUnitPath(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/demo/Upper.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, """
                package demo;
                import io.jswoole.cli.bench.Unit;
                import io.netty.buffer.ByteBuf;
                public final class Upper implements Unit {
                    public void writeRequest(ByteBuf out, long seq) {
                        out.writeCharSequence("hi " + seq + "\\n", java.nio.charset.StandardCharsets.US_ASCII);
                    }
                    public int replyLength(ByteBuf in) {
                        int nl = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\\n');
                        return nl < 0 ? 0 : nl - in.readerIndex() + 1;
                    }
                }
                """);
        Path classes = dir.resolve("classes");
        StringBuilder cp = new StringBuilder();
        for (Class<?> c : List.of(Unit.class, io.netty.buffer.ByteBuf.class, io.netty.util.ReferenceCounted.class)) {
            cp.append(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()))
                    .append(java.io.File.pathSeparator);
        }
        int rc = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-cp", cp.toString(), "-d",
                classes.toString(), src.toString());
        assertThat(rc).as("compiled").isZero();
        try (Servers s = echo()) {
            Load.Output o = Load.command("-f", "demo.Upper", "--unit-path", classes.toString(), "-s", s.tcp(), "-c",
                    "2", "-n", "100", "-q");
            assertThat(o.code()).as(o.err()).isZero();
            assertThat(o.out()).startsWith("jswoole bench: demo.Upper ").contains("100 sent = 100 ok + 0 failed");
        }
    }

    @Test
    void holdReadsThePidFile(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("server.pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        try (Servers s = echo()) {
            Load.Output o = Load.command("-s", s.tcp(), "--hold", "5", "--pid-file", pidFile.toString(), "-q");
            assertThat(o.out()).contains("held          5 of 5 connections open").contains("per connection (pid "
                    + ProcessHandle.current().pid());
        }
        assertThatThrownBy(() -> Load.command("--hold", "5", "--pid-file", dir.resolve("none.pid").toString()))
                .hasMessageStartingWith("--pid-file " + dir.resolve("none.pid") + ": no such file");
    }

    @Test
    void aUnitThatDoesNotExistNamesTheBuiltInOnes() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Load.run("-f", "long_tpc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-f long_tpc: no such unit (built in: long_tcp, short_tcp, udp, eof, length, http, "
                        + "http2, websocket, redis; or the name of a class implementing io.jswoole.cli.bench.Unit)");
    }
}
