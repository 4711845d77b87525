package io.jswoole.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.jswoole.examples.HttpHello;
import io.jswoole.server.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code http2} unit: against jswoole's HTTP/2 (h2c) server, against {@code nghttpd} (nghttp2's server,
 * nobody here wrote it), and against a Netty server that corrupts or resets some streams on purpose.
 */
class Http2UnitTest {
    @TempDir
    Path dir;


    @Test
    void manyStreamsPerConnectionOnJswoole() throws Exception {
        try (Servers s = Servers.start(HttpHello.create("127.0.0.1", 0, Mode.BASE,
                Servers.oneWorker(Map.of("open_http2_protocol", true))))) {
            Result r = Load.run("-f", "http2", "-s", s.tcp(), "-c", "4", "-t", "2", "-n", "4000", "-m", "32",
                    "--verify");
            Load.allGood(r, 4000);
            assertThat(r.total().connect.getTotalCount()).as("one connection per client").isEqualTo(4);
            Result post = Load.run("-f", "http2", "-s", s.tcp(), "--method", "POST", "--path", "/echo", "-l",
                    "20000", "-c", "2", "-n", "600", "-m", "8", "--verify");
            Load.allGood(post, 600);
            // counted on the wire: the bodies, and the frames' headers and HPACK around them (a few %)
            assertThat(post.total().bytesSent).isBetween(600L * 20000, 600L * 20000 * 21 / 20);
            Result missing = Load.run("-f", "http2", "-s", s.tcp(), "--path", "/nothing-here", "-c", "1", "-n",
                    "50", "-m", "10");
            assertThat(missing.total().ok).isZero();
            assertThat(missing.total().errors).containsEntry("status 404", 50L);
        }
    }

    @Test
    void againstNghttpd() throws Exception {
        Files.writeString(dir.resolve("index.html"), "hello from nghttpd\n");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process p = new ProcessBuilder("nghttpd", "--no-tls", "-d", dir.toString(), "-a", "127.0.0.1",
                String.valueOf(port)).redirectErrorStream(true).redirectOutput(dir.resolve("nghttpd.log").toFile())
                .start();
        try {
            for (int i = 0; i < 100; i++) {
                try (java.net.Socket ok = new java.net.Socket("127.0.0.1", port)) {
                    break;
                } catch (java.io.IOException e) {
                    Thread.sleep(50);
                }
            }
            Result r = Load.run("-f", "http2", "-s", "tcp://127.0.0.1:" + port, "--path", "/index.html", "-c", "2",
                    "-n", "2000", "-m", "16", "--verify");
            Load.allGood(r, 2000);
        } finally {
            p.destroy();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void verifyCatchesOneCorruptReplyInAThousandAndResetsAreClassified() throws Exception {
        try (H2TestServer bad = new H2TestServer(1000, 0)) {
            Result r = Load.run("-f", "http2", "-s", bad.target(), "--method", "POST", "-l", "64", "-c", "2",
                    "-n", "5000", "-m", "16", "--verify");
            assertThat(r.total().sent).isEqualTo(5000).isEqualTo(r.total().ok + r.total().failed);
            assertThat(r.total().errors).containsExactly(Map.entry(Unit.CONTENT_MISMATCH, 5L));
        }
        try (H2TestServer resets = new H2TestServer(0, 10)) {
            Result r = Load.run("-f", "http2", "-s", resets.target(), "-c", "1", "-n", "1000", "-m", "8");
            assertThat(r.total().sent).isEqualTo(1000).isEqualTo(r.total().ok + r.total().failed);
            assertThat(r.total().errors).containsExactly(Map.entry("reset RST_STREAM REFUSED_STREAM", 100L));
        }
    }

    @Test
    void afterGoawayTheStreamsNotTakenFailAndTheClientConnectsAgain() throws Exception {
        try (H2TestServer server = new H2TestServer(0, 0, 100)) {
            Result r = Load.run("-f", "http2", "-s", server.target(), "-c", "1", "-n", "1000", "-m", "8",
                    "--method", "POST", "--path", "/", "-l", "10", "--verify");
            LoopStats.Counts t = r.total();
            assertThat(t.sent).isEqualTo(t.ok + t.failed).isEqualTo(1000);
            assertThat(t.connect.getTotalCount()).as("a new connection after each GOAWAY").isGreaterThan(5);
            assertThat(t.ok).as("only streams opened after a GOAWAY fail").isGreaterThan(900);
            assertThat(t.errors.keySet()).isSubsetOf(java.util.Set.of("goaway"));
        }
    }

    @Test
    void nothingListeningIsRefused() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Result r = Load.run("-f", "http2", "-s", "tcp://127.0.0.1:" + port, "-c", "2", "-n", "10", "--timeout",
                "1s");
        assertThat(r.total().ok).isZero();
        assertThat(r.total().connectErrors).containsKey(Errors.REFUSED);
        assertThatThrownBy(() -> Load.run("-f", "http2", "-s", "unix:/tmp/x.sock", "-n", "1"))
                .hasMessageContaining("over TCP");
    }
}
