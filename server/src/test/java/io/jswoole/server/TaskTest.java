package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Coroutine;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Task workers, finish, taskwait, taskWaitMulti, sendMessage and the bounded task queue. */
class TaskTest {
    private static Server server(Mode mode, Map<String, Object> extra) {
        Server s = new Server("127.0.0.1", 0, mode);
        Map<String, Object> settings = new java.util.HashMap<>(Map.of("worker_num", 2, "task_worker_num", 3));
        settings.putAll(extra);
        s.set(settings);
        return s;
    }

    private static final Map<String, Object> TASKS = Map.of("worker_num", 2, "task_worker_num", 3);

    /** A receive sends its line as a task; the finish event sends the result to fd 1; every step is reported. */
    static final class TaskAndFinish implements Recipe {
        @Override
        public void build(Server s, Probe seen) {
            s.onTask((srv, taskId, src, data) -> {
                seen.add("task " + taskId + " from " + src + " in " + srv.getWorkerId() + " " + srv.isTaskWorker());
                return "done:" + data;
            });
            s.onFinish((srv, taskId, result) -> {
                seen.add("finish " + taskId + " " + result + " in " + srv.getWorkerId());
                srv.send(1, result + "\n");
            });
            s.onReceive((srv, fd, rid, data) -> {
                int id = srv.task(new String(data).trim());
                seen.add("sent " + id + " from " + srv.getWorkerId());
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aTaskRunsInATaskWorkerAndFinishComesBackToTheSender(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, TASKS, TaskAndFinish.class,
                probe)); Socket c = r.connect()) {
            Server s = r.server;
            List<String> seen;
            c.getOutputStream().write("job\n".getBytes());
            assertThat(new String(Running.read(c, 9))).isEqualTo("done:job\n");
            assertThat(eventually(() -> probe.events().size() == 3)).isTrue();
            seen = probe.events();
            String sent = seen.stream().filter(e -> e.startsWith("sent")).findFirst().orElseThrow();
            String sender = sent.substring(sent.lastIndexOf(' ') + 1);
            assertThat(sent).isEqualTo("sent 0 from " + sender);
            assertThat(seen).anyMatch(e -> e.matches("task 0 from " + sender + " in [234] true"));
            assertThat(seen).contains("finish 0 done:job in " + sender);
            assertThat(s.stats()).containsEntry("task_worker_num", 3);
            assertThat(eventually(() -> Integer.valueOf(3).equals(s.stats().get("task_idle_worker_num"))))
                    .as("every task worker idle again: " + s.stats()).isTrue();
        }
    }

    /** "wait S T" waits for a task that sleeps S seconds, at most T seconds; anything else answers "pong". */
    static final class Taskwait implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onTask((srv, taskId, src, data) -> {
                Coroutine.sleep(Double.parseDouble((String) data));
                return "slept " + data;
            });
            s.onReceive((srv, fd, rid, data) -> {
                String cmd = new String(data).trim();
                if (cmd.startsWith("wait")) {
                    String[] args = cmd.split(" ");
                    Object r = srv.taskwait(args[1], Double.parseDouble(args[2]));
                    srv.send(fd, (r == null ? "timeout " + LastError.get() : r) + "\n");
                } else {
                    srv.send(fd, "pong\n");
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void taskwaitParksOnlyItsCoroutineAndTimesOut(Mode mode) throws Exception {
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1,
                "task_worker_num", 3), Taskwait.class, probe)); Socket a = r.connect(); Socket b = r.connect()) {
            a.getOutputStream().write("wait 2 5".getBytes());
            Thread.sleep(50);
            assertThat(Running.exchange(b, "ping")).isEqualTo("pong");
            assertThat(a.getInputStream().available()).as("the other connection is served while a waits").isZero();
            assertThat(new String(Running.read(a, 8))).isEqualTo("slept 2\n");
            a.getOutputStream().write("wait 2 0.5".getBytes());
            assertThat(new String(Running.read(a, 13))).isEqualTo("timeout " + ErrorCode.TASK_TIMEOUT.code() + "\n");
        }
    }

    /**
     * A receive runs three 500 ms tasks with taskCo and reports each result in order: the task's data, the task
     * worker's id and when, in wall-clock milliseconds, the task started and ended.
     */
    static final class TaskCo implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onTask((Callbacks.OnTaskObject) (srv, task) -> {
                long start = System.currentTimeMillis();
                Coroutine.sleep(0.5);
                task.finish(task.data() + " " + srv.getWorkerId() + " " + start + " " + System.currentTimeMillis());
            });
            s.onReceive((srv, fd, rid, data) -> {
                for (Object result : srv.taskCo(List.of("a", "b", "c"), 5)) {
                    probe.add(String.valueOf(result));
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void taskWaitMultiRunsTasksInParallel(Mode mode) throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(TASKS);
        settings.put("task_enable_coroutine", true);
        try (Probe probe = Probe.create(); Running r = Running.start(Recipe.server(mode, settings, TaskCo.class,
                probe)); Socket c = r.connect()) {
            c.getOutputStream().write("go".getBytes());
            assertThat(eventually(() -> probe.events().size() == 3)).as(probe.events().toString()).isTrue();
            assertThat(probe.events()).map(e -> e.split(" ")[0]).as("results in the order of the tasks")
                    .containsExactly("a", "b", "c");
            List<long[]> runs = probe.events().stream().map(e -> java.util.Arrays.stream(e.split(" ")).skip(1)
                    .mapToLong(Long::parseLong).toArray()).toList();
            assertThat(runs.stream().map(run -> run[0]).distinct()).as("three task workers").hasSize(3);
            long lastStart = runs.stream().mapToLong(run -> run[1]).max().orElseThrow();
            long firstEnd = runs.stream().mapToLong(run -> run[2]).min().orElseThrow();
            assertThat(lastStart).as("the three tasks ran at the same time: " + probe.events())
                    .isLessThan(firstEnd);
        }
    }

    /** Worker 0 sends a task to task worker 1 (id 3) with a callback; the task sends worker 0 a pipe message. */
    static final class TargetedTask implements Recipe {
        @Override
        public void build(Server s, Probe seen) {
            s.onPipeMessage((srv, src, msg) -> seen.add("pipe " + msg + " from " + src + " to " + srv.getWorkerId()));
            s.onWorkerStart((srv, id) -> {
                if (id == 0) {
                    srv.task("x", 1, (srv2, taskId, result) -> seen.add("callback " + result));
                }
            });
            s.onTask((srv, taskId, src, data) -> {
                seen.add("task in " + srv.getWorkerId());
                srv.sendMessage("hello from task", 0);
                srv.finish("via finish");
                return null;
            });
            s.onReceive((srv, fd, rid, data) -> { });
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void targetedTasksCallbacksAndPipeMessages(Mode mode) throws Exception {
        Map<String, Object> settings = new java.util.HashMap<>(TASKS);
        settings.put("task_ipc_mode", 1);
        try (Probe seen = Probe.create(); Running r = Running.start(Recipe.server(mode, settings, TargetedTask.class,
                seen))) {
            assertThat(eventually(() -> seen.events().size() == 3)).isTrue();
            assertThat(seen.events()).contains("task in 3", "pipe hello from task from 3 to 0", "callback via finish");
        }
    }

    /**
     * task_ipc_mode 1 sends a task to the task worker it names; 3 (competing, Swoole's shared queue) ignores the
     * name and gives the task to a task worker that is free. The same in every mode.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"BASE,1", "BASE,3", "THREAD,1", "THREAD,3", "PROCESS,1",
            "PROCESS,3"})
    void taskIpcModeOneTargetsAndThreeCompetes(Mode mode, int ipcMode) throws Exception {
        Server s = SharedModesTest.start(mode, Map.of("worker_num", 2, "task_worker_num", 2, "task_ipc_mode",
                ipcMode), "worker_num=2", "task_worker_num=2", "task_ipc_mode=" + ipcMode);
        try (Running r = Running.start(s); SharedModesTest.Client busy = new SharedModesTest.Client(r.port());
                SharedModesTest.Client asking = new SharedModesTest.Client(r.port())) {
            busy.out.write("taskto 0 sleep 1500\n".getBytes()); // task worker 0 (worker id 2) is busy for 1.5 s
            busy.out.flush();
            Thread.sleep(300);
            long t0 = System.nanoTime();
            String who = asking.ask("taskto 0 whoami");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            if (ipcMode == 1) {
                assertThat(who).endsWith(" true 2");
                assertThat(ms).as("waited for the busy task worker it named").isGreaterThan(700);
            } else {
                assertThat(who).endsWith(" true 3");
                assertThat(ms).as("taken by the free task worker").isLessThan(1000);
            }
            assertThat(busy.in.readLine()).isEqualTo("SLEEP 1500");
        }
    }

    @Test
    void theTaskQueueIsBoundedAndTaskFailsAtOnceBeyondIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<List<Integer>> ids = new AtomicReference<>();
        CountDownLatch sent = new CountDownLatch(1);
        Server s = server(Mode.THREAD, Map.of("task_worker_num", 1, "task_enable_coroutine", true));
        s.taskQueueLimit = 5;
        s.onTask((Callbacks.OnTaskObject) (srv, task) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        s.onWorkerStart((srv, id) -> {
            if (id == 0) {
                List<Integer> got = new java.util.ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < 8; i++) {
                    got.add(srv.task(i));
                }
                assertThat((System.nanoTime() - t0) / 1_000_000).as("never blocks").isLessThan(500);
                assertThat(LastError.error()).isEqualTo(ErrorCode.TASK_DISPATCH_FAIL);
                ids.set(got);
                sent.countDown();
            }
        });
        s.onReceive((srv, fd, rid, data) -> { });
        try (Running r = Running.start(s)) {
            assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(ids.get()).containsExactly(0, 1, 2, 3, 4, -1, -1, -1);
            release.countDown();
            assertThat(eventually(() -> (Integer) s.stats().get("tasking_num") == 0)).isTrue();
        }
    }

    @Test
    void taskWorkersNeedOnTaskAndSysVQueueModesAreRefused() {
        Server t = server(Mode.THREAD, Map.of());
        t.onReceive((srv, fd, rid, data) -> { });
        assertThatThrownBy(t::start).hasMessageContaining("onTask is required");
        assertThatThrownBy(() -> new Server("127.0.0.1", 0).set(Map.of("task_ipc_mode", 2)))
                .hasMessageContaining("'task_ipc_mode' 2");
    }
}
