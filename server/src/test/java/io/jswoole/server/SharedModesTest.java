package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The same behaviour in THREAD mode (workers are threads) and PROCESS mode (workers are JVMs). */
class SharedModesTest {
    static Server start(Mode mode, Map<String, Object> extra, String... entryArgs) {
        Server s = CommandApp.create(mode, extra);
        if (mode == Mode.PROCESS) {
            s.workerEntry(CommandApp.class, entryArgs);
        }
        return s;
    }

    /** A client of the line protocol. */
    static final class Client implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(int port) throws Exception {
            socket = Running.connect(port);
            in = new BufferedReader(new InputStreamReader(socket.getInputStream()));
            out = socket.getOutputStream();
        }

        String ask(String line) throws Exception {
            out.write((line + "\n").getBytes());
            out.flush();
            return in.readLine();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void theServerApiBehavesTheSame(Mode mode) throws Exception {
        try (Running r = Running.start(start(mode, Map.of())); Client a = new Client(r.port());
                Client b = new Client(r.port())) {
            assertThat(a.ask("echo hello")).isEqualTo("hello");
            String pid = a.ask("pid");
            boolean sameJvm = pid.equals(Long.toString(ProcessHandle.current().pid()));
            assertThat(sameJvm).as("workers run in this JVM only in THREAD mode").isEqualTo(mode == Mode.THREAD);
            String me = a.ask("worker");
            assertThat(me).isIn("0", "1");
            assertThat(a.ask("status " + me)).as("busy: it runs this request").isEqualTo("" + Server.WORKER_BUSY);
            assertThat(a.ask("status 2")).as("the task worker is idle").isEqualTo("" + Server.WORKER_IDLE);
            assertThat(a.ask("status 9")).isEqualTo("-1");
            assertThat(a.ask("info")).isEqualTo("127.0.0.1:" + a.socket.getLocalPort());
            assertThat(b.ask("echo b")).isEqualTo("b");
            assertThat(a.ask("list")).isEqualTo("[1, 2]");
            String bFd = b.ask("fd");
            assertThat(a.ask("exists " + bFd)).isEqualTo("true");
            assertThat(a.ask("exists 9")).isEqualTo("false");
            assertThat(a.ask("stats")).isEqualTo("2");
            assertThat(a.ask("send " + bFd + " cross")).isEqualTo("true");
            assertThat(b.in.readLine()).isEqualTo("cross");
            assertThat(a.ask("nope")).isEqualTo("unknown nope");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void taskWorkersAnswerTaskwaitTaskAndTaskWaitMulti(Mode mode) throws Exception {
        try (Running r = Running.start(start(mode, Map.of())); Client a = new Client(r.port())) {
            assertThat(a.ask("task hello")).isEqualTo("HELLO");
            String[] who = a.ask("task whoami").split(" ");
            assertThat(who[1]).as("isTaskWorker").isEqualTo("true");
            assertThat(who[2]).as("task worker ids follow the workers'").isEqualTo("2");
            boolean ownJvm = !who[0].equals(Long.toString(ProcessHandle.current().pid()))
                    && !who[0].equals(a.ask("pid"));
            assertThat(ownJvm).as("a task worker JVM of its own in PROCESS mode").isEqualTo(mode == Mode.PROCESS);
            assertThat(a.ask("async later")).isEqualTo("finished later");
            assertThat(a.ask("multi")).isEqualTo("[A, B, C]");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void sendMessageReachesOtherWorkersAndTaskWorkers(Mode mode) throws Exception {
        try (Running r = Running.start(start(mode, Map.of())); Client a = new Client(r.port())) {
            int me = Integer.parseInt(a.ask("worker"));
            assertThat(a.ask("pipe " + me + " self")).as("not to itself").isEqualTo("false");
            // the reply ("true") and the message the other worker sends may arrive in either order
            a.out.write(("pipe " + (1 - me) + " hi\n").getBytes());
            List<String> got = List.of(a.in.readLine(), a.in.readLine());
            assertThat(got).containsExactlyInAnyOrder("true", "pipe from " + me + " to " + (1 - me) + ": hi");
            a.out.write("pipe 2 task\n".getBytes());
            got = List.of(a.in.readLine(), a.in.readLine());
            assertThat(got).containsExactlyInAnyOrder("true", "pipe from " + me + " to 2: task");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void aHalfClosingPeerGetsEveryAnswer(Mode mode) throws Exception {
        for (int dispatchMode : new int[] {2, 1}) {
            try (Running r = Running.start(start(mode, Map.of("dispatch_mode", dispatchMode),
                    "dispatch_mode=" + dispatchMode)); Client a = new Client(r.port())) {
                a.out.write("sleep 100\necho one\necho two\n".getBytes());
                a.socket.shutdownOutput();
                List<String> lines = a.in.lines().toList();
                assertThat(lines).as("dispatch_mode " + dispatchMode).containsExactlyInAnyOrder("slept", "one", "two");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void aCrashingHandlerKeepsTheConnectionAndServerCloseWorks(Mode mode) throws Exception {
        try (Running r = Running.start(start(mode, Map.of())); Client a = new Client(r.port())) {
            a.out.write("crash\n".getBytes());
            assertThat(a.ask("echo alive")).isEqualTo("alive");
            a.out.write("close\n".getBytes());
            assertThat(a.in.readLine()).as("closed by the server").isNull();
            assertThat(eventually(() -> r.server.connections().isEmpty())).isTrue();
        }
    }

    /**
     * From any worker, the master is this JVM (in PROCESS mode too), and stats() counts the caller's coroutines and
     * the events dispatched to its worker.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Mode.class)
    void aWorkerSeesTheMastersPidAndItsOwnCoroutines(Mode mode) throws Exception {
        try (Running r = Running.start(start(mode, Map.of())); Client c = new Client(r.port())) {
            assertThat(c.ask("masterpid")).isEqualTo(Long.toString(ProcessHandle.current().pid()));
            assertThat(Integer.parseInt(c.ask("coroutines"))).as("the handler's own coroutine at least")
                    .isPositive();
            assertThat(Long.parseLong(c.ask("dispatched"))).as("events dispatched to the caller's worker")
                    .isPositive();
        }
    }

}
