package io.jswoole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.examples.Counter;
import io.jswoole.examples.ExampleOptions;
import io.jswoole.server.Mode;
import io.jswoole.server.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The counter example: exact counts under concurrent clients, in every mode (PROCESS: 3 worker JVMs). */
class CounterTest {
    @ParameterizedTest
    @EnumSource(Mode.class)
    void countsStayExactUnderConcurrentClients(Mode mode) throws Exception {
        Map<String, Object> settings = Map.of("worker_num", 3, "dispatch_mode", 1);
        Server s = Counter.create(new ExampleOptions("127.0.0.1", 0, mode, settings));
        if (mode == Mode.PROCESS) {
            s.workerEntry(Main.class, "run", "counter", "--mode", "process", "--set", "worker_num=3", "--set",
                    "dispatch_mode=1");
        }
        Thread t = Thread.ofPlatform().start(s::start);
        assertThat(s.awaitStarted(60, TimeUnit.SECONDS)).isTrue();
        try {
            int clients = 4, each = 150;
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int c = 0; c < clients; c++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try (Socket sock = connect(s.port())) {
                        BufferedReader in = new BufferedReader(new InputStreamReader(sock.getInputStream()));
                        OutputStream out = sock.getOutputStream();
                        for (int i = 0; i < each; i++) {
                            out.write(("incr " + (i % 2 == 0 ? "a" : "b") + "\n").getBytes());
                            assertThat(Long.parseLong(in.readLine())).isPositive();
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
            assertThat(failures).isEmpty();
            try (Socket sock = connect(s.port())) {
                BufferedReader in = new BufferedReader(new InputStreamReader(sock.getInputStream()));
                OutputStream out = sock.getOutputStream();
                // one command at a time: with dispatch_mode 1 pipelined commands may be answered out of order
                assertThat(ask(in, out, "get a")).isEqualTo(Integer.toString(clients * each / 2));
                assertThat(ask(in, out, "get b")).isEqualTo(Integer.toString(clients * each / 2));
                assertThat(ask(in, out, "total")).isEqualTo(Integer.toString(clients * each));
                assertThat(ask(in, out, "get nothing")).isEqualTo("0");
                assertThat(ask(in, out, "frobnicate")).startsWith("-ERR unknown command 'frobnicate'");
            }
        } finally {
            s.shutdown();
            assertThat(s.awaitStopped(30, TimeUnit.SECONDS)).isTrue();
            t.join();
        }
    }

    private static String ask(BufferedReader in, OutputStream out, String line) throws Exception {
        out.write((line + "\n").getBytes());
        return in.readLine();
    }

    private static Socket connect(int port) throws Exception {
        Socket sock = new Socket();
        sock.setSoTimeout(10_000);
        sock.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        return sock;
    }
}
