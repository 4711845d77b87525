package io.jswoole.http;

import static io.jswoole.http.H2Client.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Running;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 abuse (fault class 20) and HTTP/1.1's limits carried over, from a raw frame client: each gets a bounded,
 * protocol-correct answer (a stream answered or reset, or GOAWAY and a close) and the server goes on serving. The
 * protocol runs where the connections live, so BASE mode stands for all three here.
 */
class Http2HardeningTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        TestCa.create(dir);
        Files.write(dir.resolve("big.bin"), new byte[1024]);
    }

    private static Running start(String... extra) throws Exception {
        return Running.start(Http2App.create(Mode.BASE, dir, extra));
    }

    @Test
    void theSettingsAreAdvertisedAndMaxConcurrentStreamsRefusesTheStreamBeyond() throws Exception {
        try (Running s = start("http2_max_concurrent_streams=2", "http2_init_window_size=1000",
                "http2_max_frame_size=20000", "http2_header_table_size=2048", "http2_max_header_list_size=4096");
             H2Client c = new H2Client(s.port())) {
            c.flush();
            Frame settings = c.until(SETTINGS, 0);
            Map<Integer, Integer> got = new HashMap<>();
            for (int i = 0; i < settings.payload().length; i += 6) {
                got.put((settings.payload()[i] & 0xff) << 8 | settings.payload()[i + 1] & 0xff, settings.int32(i + 2));
            }
            assertThat(got).containsEntry(1, 2048).containsEntry(3, 2).containsEntry(4, 1000)
                    .containsEntry(5, 20000).containsEntry(6, 4096).doesNotContainKey(2);
            for (int id : new int[] {1, 3, 5}) {
                c.headers(id, false, "POST", "/echo"); // open: their bodies never come
            }
            c.flush();
            Frame rst = c.until(RST_STREAM, 5);
            assertThat(rst).as("the third stream over a limit of 2").isNotNull();
            assertThat(rst.int32(0)).as("REFUSED_STREAM").isEqualTo(7);
            c.frame(DATA, END_STREAM, 1, "one".getBytes());
            c.flush();
            assertThat(c.status(1)).isEqualTo("200");
        }
    }

    /**
     * Flow control both ways: a file goes out only as far as the client's window (1,000 bytes here), the rest when
     * a WINDOW_UPDATE opens it; DATA beyond the server's window is a FLOW_CONTROL_ERROR (h2spec 6.9 has more).
     */
    @Test
    void aFileWaitsForTheClientsWindow() throws Exception {
        Files.write(dir.resolve("big.bin"), new byte[3000]);
        try (Running s = start(); H2Client c = new H2Client(s.port())) {
            c.frame(SETTINGS, 0, 0, new byte[] {0, 4, 0, 0, 0x03, (byte) 0xe8}); // INITIAL_WINDOW_SIZE 1000
            c.headers(1, true, "GET", "/file");
            c.flush();
            int got = 0;
            c.socket.setSoTimeout(1500);
            try {
                Frame f;
                while ((f = c.read()) != null) {
                    if (f.type() == DATA) {
                        got += f.payload().length;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing more until the window opens
            }
            assertThat(got).as("DATA within the window").isEqualTo(1000);
            c.frame(0x8, 0, 1, new byte[] {0, 0, 0x0b, (byte) 0xb8}); // WINDOW_UPDATE 3000 on the stream
            c.frame(0x8, 0, 0, new byte[] {0, 0, 0x0b, (byte) 0xb8}); // and on the connection
            c.flush();
            c.socket.setSoTimeout(10_000);
            Frame f;
            while ((f = c.read()) != null) {
                if (f.type() == DATA) {
                    got += f.payload().length;
                    if ((f.flags() & END_STREAM) != 0) {
                        break;
                    }
                }
            }
            assertThat(got).as("the whole file once the window opened").isEqualTo(3000);
        } finally {
            Files.write(dir.resolve("big.bin"), new byte[1024]);
        }
    }

    /**
     * A handler that writes 12.5 MiB to a client whose window is 0: what waits for the window is bounded by
     * {@code socket_buffer_size} (1 MiB here); past it the connection closes, and the server holds no more.
     */
    @Test
    void writesToAClientThatOpensNoWindowAreBoundedBySocketBufferSize() throws Exception {
        var metric = ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT)
                .metric();
        try (Running s = start("socket_buffer_size=1048576"); H2Client c = new H2Client(s.port())) {
            c.frame(SETTINGS, 0, 0, new byte[] {0, 4, 0, 0, 0, 0}); // INITIAL_WINDOW_SIZE 0
            c.headers(1, true, "GET", "/flood");
            c.flush();
            assertThat(c.status(1)).isEqualTo("200");
            assertThat(c.closedByServer()).as("closed once 1 MiB waits for the window").isTrue();
            long used = metric.usedDirectMemory() + metric.usedHeapMemory();
            assertThat(used).as("memory left held").isLessThan(64L << 20);
            assertThat(Http2Test.curl("--http2-prior-knowledge", s.url("/hello"))).startsWith("hello over HTTP/2");
        }
    }

    /** A connection that stops inside what could be the preface still meets {@code http_header_timeout}. */
    @Test
    void aTrickledPrefaceMeetsTheHeaderDeadline() throws Exception {
        try (Running s = start("http_header_timeout=1"); java.net.Socket c = s.connect()) {
            c.setSoTimeout(10_000);
            c.getOutputStream().write("PRI * HT".getBytes());
            long t0 = System.nanoTime();
            String answer = new String(c.getInputStream().readAllBytes());
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(500L, 5000L);
        }
    }

    /** {@code max_concurrency} counts streams: a stream beyond it is answered 503, the others are served. */
    @Test
    void maxConcurrencyAnswersTheStreamBeyondIt503() throws Exception {
        try (Running s = start("max_concurrency=1", "worker_num=1"); H2Client c = new H2Client(s.port())) {
            c.headers(1, true, "GET", "/sleep?s=1");
            c.flush();
            Thread.sleep(300);
            c.headers(3, true, "GET", "/hello");
            c.flush();
            assertThat(c.status(3)).isEqualTo("503");
            assertThat(c.status(1)).isEqualTo("200");
        }
    }

    /** Shutdown: GOAWAY naming the last stream, the stream in flight still answered, then the close. */
    @Test
    void shutdownSendsGoawayAndFinishesTheStreamsInFlight() throws Exception {
        Running s = start();
        try (H2Client c = new H2Client(s.port())) {
            c.headers(1, true, "GET", "/sleep?s=1");
            c.flush();
            Thread.sleep(300);
            Thread.ofVirtual().start(() -> s.server.shutdown());
            Frame goaway = c.until(GOAWAY, 0);
            assertThat(goaway).isNotNull();
            assertThat(goaway.int32(0)).as("last stream id").isEqualTo(1);
            assertThat(goaway.int32(4)).as("NO_ERROR").isZero();
            assertThat(c.status(1)).as("the stream in flight is answered").isEqualTo("200");
            assertThat(c.closedByServer()).isTrue();
        } finally {
            s.close();
        }
    }

    @Test
    void rapidResetGetsGoawayEnhanceYourCalmAndTheServerGoesOn() throws Exception {
        try (Running s = start(); H2Client c = new H2Client(s.port())) {
            boolean cut = false;
            try {
                for (int i = 0; i < 1000; i++) {
                    int id = 1 + 2 * i;
                    c.headers(id, true, "GET", "/sleep?s=1");
                    c.frame(RST_STREAM, 0, id, new byte[] {0, 0, 0, 8}); // CANCEL
                }
                c.flush();
            } catch (java.io.IOException e) {
                cut = true; // the server closed while the flood was still being written
            }
            if (!cut) {
                Frame goaway = c.until(GOAWAY, 0);
                assertThat(goaway).as("GOAWAY after a flood of resets").isNotNull();
                assertThat(goaway.int32(4)).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
                assertThat(c.closedByServer()).isTrue();
            }
            assertThat(Running.closedByPeer(c.socket)).as("the flood's connection is closed").isTrue();
            assertThat(Http2Test.curl("--http2-prior-knowledge", s.url("/hello"))).startsWith("hello over HTTP/2");
        }
    }

    @Test
    void emptyDataAndContinuationFloodsGetGoaway() throws Exception {
        try (Running s = start()) {
            try (H2Client c = new H2Client(s.port())) {
                c.headers(1, false, "POST", "/echo");
                for (int i = 0; i < 100; i++) {
                    c.frame(DATA, 0, 1, new byte[0]);
                }
                c.flush();
                Frame goaway = c.until(GOAWAY, 0);
                assertThat(goaway).as("empty DATA flood").isNotNull();
                assertThat(goaway.int32(4)).isEqualTo(0xb);
                assertThat(c.closedByServer()).isTrue();
            }
            try (H2Client c = new H2Client(s.port())) {
                byte[] block = c.block(1, "GET", "/hello");
                c.frame(HEADERS, END_STREAM, 1, java.util.Arrays.copyOf(block, 1)); // no END_HEADERS
                boolean cut = false;
                try {
                    for (int i = 0; i < 10_000; i++) {
                        c.frame(CONTINUATION, 0, 1, new byte[0]);
                    }
                    c.flush();
                } catch (java.io.IOException e) {
                    cut = true; // the server closed while the flood was still being written
                }
                if (!cut) {
                    Frame goaway = c.until(GOAWAY, 0);
                    assertThat(goaway).as("CONTINUATION flood").isNotNull();
                    assertThat(c.closedByServer()).isTrue();
                }
                assertThat(Running.closedByPeer(c.socket)).as("the flood's connection is closed").isTrue();
            }
        }
    }

    /**
     * 2 million PINGs (34 MB of ACKs to send back) from a client that reads nothing: the server either cuts the
     * connection (Netty's cap of 10,000 queued control frames: GOAWAY ENHANCE_YOUR_CALM) or stops reading it while
     * its output is full; either way it holds a bounded amount of memory for it (in this JVM, where the allocator is
     * seen), and serves others meanwhile.
     */
    @Test
    void aPingFloodFromAClientThatDoesNotReadHoldsBoundedMemory() throws Exception {
        var metric = ((io.netty.buffer.ByteBufAllocatorMetricProvider) io.netty.buffer.ByteBufAllocator.DEFAULT)
                .metric();
        try (Running s = start(); H2Client c = new H2Client(s.port(), 4096)) {
            long before = metric.usedDirectMemory() + metric.usedHeapMemory();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] data = new byte[8];
                try {
                    for (int i = 0; i < 2_000_000; i++) {
                        c.frame(PING, 0, 0, data);
                    }
                    c.flush();
                } catch (java.io.IOException e) {
                    // cut by the server, or closed by the test
                }
            });
            Thread.sleep(3000);
            long held = metric.usedDirectMemory() + metric.usedHeapMemory() - before;
            assertThat(held).as("memory the server holds for the flood").isLessThan(16L << 20);
            assertThat(Http2Test.curl("--http2-prior-knowledge", s.url("/hello"))).startsWith("hello over HTTP/2");
            c.close();
            writer.join(10_000);
        }
    }

    @Test
    void http11LimitsAnswerTheStreamAndTheConnectionGoesOn() throws Exception {
        try (Running s = start("package_max_length=1000", "http_max_header_count=8", "http_body_timeout=1");
             H2Client c = new H2Client(s.port())) {
            c.headers(1, false, "POST", "/echo", "content-length", "5000");
            c.flush();
            assertThat(c.status(1)).as("content-length over package_max_length").isEqualTo("413");
            c.headers(3, false, "POST", "/echo");
            c.frame(DATA, 0, 3, new byte[800]);
            c.frame(DATA, END_STREAM, 3, new byte[800]);
            c.flush();
            assertThat(c.status(3)).as("a body crossing package_max_length").isEqualTo("413");
            c.headers(5, true, "BREW", "/hello");
            c.flush();
            assertThat(c.status(5)).as("an unknown method").isEqualTo("501");
            c.headers(7, true, "GET", "/hello", "a", "1", "b", "2", "c", "3", "d", "4", "e", "5");
            c.flush();
            assertThat(c.status(7)).as("over http_max_header_count").isEqualTo("431");
            c.headers(9, true, "GET", "/hello", "x-big", "y".repeat(9000));
            c.flush();
            assertThat(c.status(9)).as("over http2_max_header_list_size (http_max_header_size: 8K)").isEqualTo("431");
            long t0 = System.nanoTime();
            c.headers(11, false, "POST", "/echo");
            c.flush();
            assertThat(c.status(11)).as("http_body_timeout").isEqualTo("408");
            assertThat((System.nanoTime() - t0) / 1_000_000).isBetween(800L, 5000L);
            c.headers(13, true, "GET", "/hello");
            c.flush();
            assertThat(c.status(13)).as("the connection still serves").isEqualTo("200");
        }
    }
}
