package io.jswoole.server.parity;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's task-worker tests ({@code tests/swoole_server/taskwait_*.phpt}, {@code taskWaitMulti.phpt},
 * {@code task/*.phpt}) and {@code sendMessage_*.phpt}, {@code max_request.phpt}, in every mode they apply to.
 */
class TaskParityTest {
    static Object taskResult(Object data) {
        if (data instanceof Map<?, ?> m) {
            return "array".equals(m.get("type")) ? Map.of("name", "rango", "year", 1987) : "hello world\n";
        }
        if ("array".equals(data)) {
            return Map.of("name", "rango", "year", 1987);
        }
        if ("timeout".equals(data)) {
            sleep(300);
            return "task timeout\n";
        }
        if (Integer.valueOf(0).equals(data)) {
            sleep(300);
        }
        return "string".equals(data) ? "hello world\n" : data;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The server of {@code taskwait_01.phpt}, {@code taskwait_02.phpt} and {@code taskWaitMulti.phpt}. */
    static final class Taskwait implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onTask((x, id, src, data) -> taskResult(data));
            s.onFinish((x, id, result) -> { });
            s.onReceive((x, fd, rid, raw) -> {
                String cmd = new String(raw).trim();
                boolean ok = switch (cmd) {
                    case "array-01" -> x.taskwait(Map.of("type", "array", "value", cmd), 1) instanceof Map<?, ?> m
                            && m.get("name") != null;
                    case "array-02" -> "hello world\n".equals(x.taskwait(Map.of("type", "string", "value", cmd), 1));
                    case "string-01" -> x.taskwait("array", 1) instanceof Map<?, ?> m && m.get("name") != null;
                    case "string-02" -> "hello world\n".equals(x.taskwait("string", 1));
                    case "timeout" -> x.taskwait("timeout", 0.2) == null
                            && "hello world\n".equals(x.taskwait("string", 0.2));
                    case "task-01" -> x.taskWaitMulti(List.of(1001, 2002, 3003, 4004), 2).stream()
                            .filter(Objects::nonNull).count() == 4;
                    case "task-02" -> {
                        List<Object> r = x.taskWaitMulti(List.of(1001, 2002, 3003, 4004, 0), 0.2);
                        yield r.stream().filter(Objects::nonNull).count() == 4 && r.get(4) == null;
                    }
                    default -> false;
                };
                x.send(fd, (ok ? "OK" : "ERR") + "\n");
            });
        }
    }

    /**
     * {@code tests/swoole_server/taskwait_01.phpt} (enable_coroutine false: the worker blocks) and
     * {@code taskwait_02.phpt} (coroutines): taskwait returns arrays and strings; a taskwait that times out returns
     * false (jswoole: null, error 2003) and the late result of that task is not taken as the next taskwait's.
     * {@code tests/swoole_server/taskWaitMulti.phpt}: 4 results within 2 s; with a fifth task sleeping past the
     * 0.2 s timeout, 4 results. Swoole's array then has 4 entries; jswoole's list keeps every position and has null
     * for the missing one (a deviation: positions match the tasks).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void taskwaitAndTaskWaitMultiAnswerAsSwoole(Mode mode) throws Exception {
        for (boolean co : new boolean[] {false, true}) {
            try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                    "task_worker_num", 1, "enable_coroutine", co), Taskwait.class, p)); Socket c = r.connect()) {
                BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream()));
                for (String cmd : List.of("array-01", "array-02", "string-01", "string-02", "timeout", "task-01",
                        "task-02")) {
                    c.getOutputStream().write((cmd + "\n").getBytes());
                    assertThat(in.readLine()).as(cmd + " enable_coroutine " + co).isEqualTo("OK");
                }
            }
        }
    }

    /** {@code task/task_callback.phpt}, {@code task/callback_is_null.phpt}: results by callback or finish. */
    static final class Callbacks implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onTask((x, id, src, data) -> Map.of("code", 0, "message", "hello world", "fd",
                    ((Map<?, ?>) data).get("fd")));
            s.onFinish((x, id, result) -> x.send((Integer) ((Map<?, ?>) result).get("fd"), "finish "
                    + ((Map<?, ?>) result).get("message") + "\n"));
            s.onReceive((x, fd, rid, raw) -> {
                Map<String, Object> data = Map.of("type", "array", "fd", fd);
                x.task(data, -1, (y, id, result) -> y.send(fd, "any " + ((Map<?, ?>) result).get("message") + "\n"));
                x.task(data, 0, (y, id, result) -> y.send(fd, "to0 " + ((Map<?, ?>) result).get("message") + "\n"));
                x.task(data, -1, null);
            });
            s.onWorkerStart((x, id) -> {
                if (x.isTaskWorker()) {
                    p.add("task in task worker: " + x.task("x"));
                }
            });
        }
    }

    /**
     * {@code tests/swoole_server/task/task_callback.phpt}: a task with a callback, to any task worker and to task
     * worker 0, answers through its callback; {@code task/callback_is_null.phpt}: with a null callback the result
     * goes to onFinish; {@code task/task_in_task_worker.phpt}: task() in a task worker fails (-1).
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void taskResultsReachTheirCallbackOrOnFinish(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "task_worker_num", 2), Callbacks.class, p)); Socket c = r.connect()) {
            c.getOutputStream().write("task-01".getBytes());
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream()));
            List<String> got = new ArrayList<>(List.of(in.readLine(), in.readLine(), in.readLine()));
            assertThat(got).containsExactlyInAnyOrder("any hello world", "to0 hello world", "finish hello world");
            assertThat(eventually(() -> p.count("task in task worker: -1") == 2)).as(p.events().toString()).isTrue();
        }
    }

    /** {@code sendMessage_1.phpt} ... {@code sendMessage_4.phpt}: pipe messages between workers. */
    static final class Messages implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onTask((x, id, src, data) -> null);
            s.onConnect((x, fd, rid) -> {
                int me = x.getWorkerId();
                int all = 4 + 3;
                for (int i = 0; i < all; i++) {
                    if (i != me) {
                        x.sendMessage(Map.of("worker_id", i, "fd", fd, "data", new byte[1024 * 1024]), i);
                    }
                }
                x.send(fd, me + "\r\n");
            });
            s.onReceive((x, fd, rid, data) -> { });
            s.onPipeMessage((x, src, msg) -> {
                Map<?, ?> m = (Map<?, ?>) msg;
                x.send((Integer) m.get("fd"), m.get("worker_id") + " " + ((byte[]) m.get("data")).length + "\r\n");
            });
        }
    }

    /**
     * {@code tests/swoole_server/sendMessage_2.phpt}: a message to each of 4 workers and 3 task workers reaches its
     * pipeMessage, which answers the client: the client gets 0..6 ({@code sendMessage_2} sends from a user process;
     * here from the worker of the connect, which answers itself, since a worker cannot message itself);
     * {@code sendMessage_3.phpt}: messages of 1 to 2 MiB cross whole. ({@code sendMessage_1.phpt}, the opcode
     * server's message to worker 1, is the same path; {@code sendMessage_4.phpt} sends a PHP exception object: PHP
     * serialization, not applicable.)
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void sendMessageReachesEveryWorkerAndTaskWorker(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 4,
                "task_worker_num", 3), Messages.class, p)); Socket c = r.connect()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream()));
            List<Integer> ids = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String[] line = in.readLine().split(" ");
                if (line.length > 1) {
                    assertThat(line[1]).as("1 MiB crossed whole").isEqualTo(String.valueOf(1024 * 1024));
                }
                ids.add(Integer.valueOf(line[0]));
            }
            assertThat(ids).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6);
        }
    }

    /** {@code max_request.phpt}: echoes "Server: " and the packet; counts worker starts. */
    static final class MaxRequest implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onWorkerStart((x, id) -> p.add("workerStart"));
            s.onReceive((x, fd, rid, data) -> x.send(fd, "Server: " + new String(data)));
        }
    }

    /**
     * {@code tests/swoole_server/max_request.phpt}: with max_request, workers are replaced as they serve requests
     * (more starts than workers) and no request goes unanswered: each answer is the request plus 8 bytes. The
     * .phpt uses 4 workers, 4,000 requests, max_request 200; here 2 workers, 300 requests, max_request 50, since a
     * replaced worker is a JVM. PROCESS mode only: jswoole rejects max_request elsewhere (README "Settings").
     */
    @ParameterizedTest
    @EnumSource(value = Mode.class, names = "PROCESS")
    void maxRequestReplacesWorkersWithoutLosingARequest(Mode mode) throws Exception {
        try (Probe p = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 2,
                "dispatch_mode", 1, "open_eof_split", true, "package_eof", "\r\n\r\n", "max_request", 50,
                "max_request_grace", 0), MaxRequest.class, p)); Socket c = r.connect()) {
            c.setSoTimeout(20_000);
            for (int i = 0; i < 300; i++) {
                String data = "PKG-" + i + "A".repeat(java.util.concurrent.ThreadLocalRandom.current()
                        .nextInt(100, 20000)) + "\r\n\r\n";
                c.getOutputStream().write(data.getBytes());
                assertThat(new String(Running.read(c, data.length() + 8))).isEqualTo("Server: " + data);
            }
            assertThat(p.count("workerStart")).as("workers were replaced").isGreaterThan(4);
        }
    }
}
