package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.process.Process;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code addProcess} in every mode: a user process runs in a JVM of its own, reaches the clients with
 * {@code getClientList} and {@code send}, sends a worker a pipe message, is replaced after kill -9 while the
 * client's connection stays open, and is gone after shutdown.
 */
class UserProcessTest {
    /** Echo on the port; a user process that sends every client a tick with its pid and worker id. */
    public static final class Ticker implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> x.send(fd, data));
            s.onPipeMessage((x, src, message) -> probe.add("pipe " + src + " " + message));
            s.addProcess(new Process(self -> {
                s.sendMessage("hello from " + self.pid(), 0);
                while (true) {
                    for (int fd : s.getClientList(0, 100)) {
                        s.send(fd, "tick " + self.pid() + " " + s.getWorkerId() + " "
                                + s.stats().get("user_worker_num") + "\n");
                    }
                    Coroutine.sleep(0.05);
                }
            }));
        }
    }

    /** A user process that takes SIGTERM and goes on: the server kills it after max_wait_time. */
    public static final class Stubborn implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> x.send(fd, data));
            s.addProcess(new Process(self -> {
                Process.signal(15, sig -> probe.add("sigterm " + self.pid()));
                probe.add("started " + self.pid());
                while (true) {
                    Coroutine.sleep(0.05);
                }
            }));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aUserProcessThatIgnoresSigtermIsKilledAfterMaxWaitTime(Mode mode) throws Exception {
        try (Probe probe = Probe.create()) {
            Server server = Recipe.server(mode, Map.of("worker_num", 1, "max_wait_time", 1), Stubborn.class, probe);
            Running r = Running.start(server);
            assertThat(Running.eventually(() -> probe.events().stream().anyMatch(e -> e.startsWith("started "))))
                    .isTrue();
            long pid = Long.parseLong(probe.events().stream().filter(e -> e.startsWith("started ")).findFirst()
                    .orElseThrow().substring("started ".length()));
            r.close();
            assertThat(probe.events()).contains("sigterm " + pid);
            assertThat(Running.eventually(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)))
                    .as("killed after max_wait_time").isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aUserProcessServesClientsIsReplacedAfterKill9AndStopsWithTheServer(Mode mode) throws Exception {
        try (Probe probe = Probe.create()) {
            Server server = Recipe.server(mode, Map.of("worker_num", 1, "max_wait_time", 2), Ticker.class, probe);
            Running r = Running.start(server);
            long replacement;
            try (Socket c = r.connect()) {
                c.setSoTimeout(30_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                        StandardCharsets.UTF_8));
                String[] tick = in.readLine().split(" ");
                assertThat(tick[0]).isEqualTo("tick");
                long first = Long.parseLong(tick[1]);
                assertThat(first).isNotEqualTo(ProcessHandle.current().pid());
                assertThat(tick[2]).as("worker id: worker_num + task_worker_num + 0").isEqualTo("1");
                assertThat(tick[3]).as("user_worker_num, asked from the user process").isEqualTo("1");
                assertThat(server.stats().get("user_worker_num")).isEqualTo(1);
                assertThat(Running.eventually(() -> probe.events().contains("pipe 1 hello from " + first)))
                        .as(probe.events().toString()).isTrue();

                ProcessHandle.of(first).orElseThrow().destroyForcibly();
                long next = first;
                long end = System.nanoTime() + 30_000_000_000L;
                while (next == first && System.nanoTime() < end) {
                    next = Long.parseLong(in.readLine().split(" ")[1]);
                }
                assertThat(next).as("a new user process after kill -9").isNotEqualTo(first);
                replacement = next;
                // the same connection, still served
                c.getOutputStream().write("still here\n".getBytes(StandardCharsets.UTF_8));
                String line;
                do {
                    line = in.readLine();
                } while (line != null && !line.equals("still here"));
                assertThat(line).isEqualTo("still here");
            } finally {
                r.close();
            }
            assertThat(Running.eventually(() -> ProcessHandle.of(replacement).map(p -> !p.isAlive()).orElse(true)))
                    .as("the user process ends with the server").isTrue();
        }
    }
}
