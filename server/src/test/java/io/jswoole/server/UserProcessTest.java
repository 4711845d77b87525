package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.memory.Table;
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

    /**
     * Swoole's own addProcess example: a worker writes what it receives to the user process's pipe, and the process,
     * reading its pipe, broadcasts it to every client.
     */
    public static final class Broadcaster implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            Process broadcaster = new Process(self -> {
                try {
                    while (true) {
                        byte[] message = self.read();
                        for (int fd : s.getClientList(0, 100)) {
                            s.send(fd, "from " + self.pid() + ": " + new String(message, StandardCharsets.UTF_8));
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            s.onReceive((x, fd, rid, data) -> {
                try {
                    if (broadcaster.write(data) == 0) {
                        x.send(fd, "not delivered\n");
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            s.addProcess(broadcaster);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void whatAWorkerWritesToTheProcessPipeTheProcessReads(Mode mode) throws Exception {
        try (Probe probe = Probe.create()) {
            Server server = Recipe.server(mode, Map.of("worker_num", 2, "open_eof_split", true, "package_eof", "\n"),
                    Broadcaster.class, probe); // a line per receive, a message per line
            try (Running r = Running.start(server); Socket a = r.connect(); Socket b = r.connect()) {
                a.setSoTimeout(30_000);
                b.setSoTimeout(30_000);
                BufferedReader inA = new BufferedReader(new InputStreamReader(a.getInputStream(),
                        StandardCharsets.UTF_8));
                BufferedReader inB = new BufferedReader(new InputStreamReader(b.getInputStream(),
                        StandardCharsets.UTF_8));
                String line = "not delivered";
                long end = System.nanoTime() + 30_000_000_000L; // the user process's JVM starts meanwhile
                while (line.equals("not delivered") && System.nanoTime() < end) {
                    Thread.sleep(100);
                    a.getOutputStream().write("hello\n".getBytes(StandardCharsets.UTF_8));
                    line = inA.readLine();
                }
                assertThat(line).matches("from \\d+: hello");
                assertThat(Long.parseLong(line.split(" ")[1].replace(":", ""))).as("another process")
                        .isNotEqualTo(ProcessHandle.current().pid());
                String atB;
                do {
                    atB = inB.readLine();
                } while (atB.equals("not delivered"));
                assertThat(atB).as("the other client gets it too").isEqualTo(line);
                for (int i = 0; i < 50; i++) { // in order, none lost
                    b.getOutputStream().write(("m" + i + "\n").getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < 50; i++) {
                    String got;
                    do {
                        got = inA.readLine();
                    } while (got.endsWith(": hello"));
                    assertThat(got).endsWith(": m" + i);
                }
            }
        }
    }

    /**
     * A {@link Table} made before start: the user process counts in it and the worker reads it (the seeds keep
     * state shared by workers and processes this way), in its own JVM whatever the server's mode.
     */
    public static final class Counting implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            // named: the segment is found by name, whatever the tables earlier tests made in this JVM
            Table table = new Table("user-ticks-" + s.mode().name().toLowerCase(java.util.Locale.ROOT), 16, 0.2)
                    .column("n", Table.Type.INT).column("pid", Table.Type.INT);
            table.create();
            s.onReceive((x, fd, rid, data) -> {
                Map<String, Object> row = table.get("ticks");
                x.send(fd, (row == null ? "none" : row.get("n") + " " + row.get("pid")) + "\n");
            });
            s.addProcess(new Process(self -> {
                while (true) {
                    table.set("ticks", Map.of("pid", self.pid()));
                    table.incr("ticks", "n");
                    Coroutine.sleep(0.02);
                }
            }));
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aUserProcessAndTheWorkersShareATable(Mode mode) throws Exception {
        try (Probe probe = Probe.create()) {
            Server server = Recipe.server(mode, Map.of("worker_num", 1), Counting.class, probe);
            try (Running r = Running.start(server); Socket c = r.connect()) {
                c.setSoTimeout(30_000);
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(),
                        StandardCharsets.UTF_8));
                String seen = "none";
                long end = System.nanoTime() + 30_000_000_000L; // the user process's JVM starts meanwhile
                while ((seen.equals("none") || Long.parseLong(seen.split(" ")[0]) < 3) && System.nanoTime() < end) {
                    Thread.sleep(50);
                    c.getOutputStream().write("?".getBytes(StandardCharsets.UTF_8));
                    seen = in.readLine();
                }
                assertThat(seen).as("the count the user process keeps, read by the worker").isNotEqualTo("none");
                assertThat(Long.parseLong(seen.split(" ")[0])).isGreaterThanOrEqualTo(3);
                long pid = Long.parseLong(seen.split(" ")[1]);
                assertThat(pid).as("written by another process").isNotEqualTo(ProcessHandle.current().pid());
                assertThat(ProcessHandle.of(pid)).as("the user process").isPresent();
            }
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
