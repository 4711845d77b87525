package io.jswoole.server.parity;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Running;
import io.jswoole.server.Server;
import io.jswoole.timer.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Swoole's {@code tests/swoole_server/event/*.phpt}: the server's life-cycle events and their order, in every mode
 * (the .phpt files use SWOOLE_PROCESS; jswoole fires the same events in BASE and THREAD too).
 */
class ServerEventsParityTest {
    /** The server of {@code event/start.phpt} ... {@code event/manager_stop.phpt}: onStart shuts the server down. */
    static final class ShutdownInStart implements Recipe {
        @Override
        public void build(Server s, Probe p) {
            s.onStart(x -> {
                p.add("master start");
                x.shutdown();
            });
            s.onManagerStart(x -> p.add("manager start"));
            s.onBeforeShutdown(x -> p.add("before master shutdown"));
            s.onManagerStop(x -> p.add("manager stop"));
            s.onShutdown(x -> p.add("master shutdown"));
            s.onReceive((x, fd, rid, data) -> { });
        }
    }

    /**
     * {@code tests/swoole_server/event/start.phpt}, {@code event/manager_start.phpt}, {@code event/before_shutdown.phpt},
     * {@code event/shutdown.phpt}, {@code event/manager_stop.phpt}: a server whose onStart calls shutdown() fires
     * start, then beforeShutdown, then shutdown (and the manager's start and stop), and its start() returns.
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void shutdownFromOnStartFiresTheMasterEventsInOrder(Mode mode) throws Exception {
        try (Probe p = Probe.create()) {
            Server s = Recipe.server(mode, Map.of("worker_num", 1), ShutdownInStart.class, p);
            Thread t = Thread.ofPlatform().start(s::start);
            assertThat(s.awaitStopped(20, TimeUnit.SECONDS)).as("start() returns after shutdown in onStart").isTrue();
            t.join(5000);
            List<String> ev = p.events();
            assertThat(ev).containsSubsequence("master start", "before master shutdown", "master shutdown");
            assertThat(ev).containsSubsequence("manager start", "manager stop");
            assertThat(ev).containsOnlyOnce("master start", "manager start", "before master shutdown",
                    "manager stop", "master shutdown");
        }
    }

    /** The server of {@code event/worker_exit.phpt}: a tick keeps the worker busy; onWorkerExit clears it. */
    static final class TickUntilExit implements Recipe {
        static volatile long timer;

        @Override
        public void build(Server s, Probe p) {
            s.onWorkerStart((x, id) -> {
                p.add("worker start, id=" + x.getWorkerId() + ", status=" + x.getWorkerStatus(x.getWorkerId()));
                timer = Timer.tick(100, tid -> p.add("tick, id=" + x.getWorkerId() + ", status="
                        + x.getWorkerStatus(x.getWorkerId())));
            });
            s.onWorkerExit((x, id) -> {
                p.add("worker exit, id=" + x.getWorkerId() + ", status=" + x.getWorkerStatus(x.getWorkerId()));
                Timer.clear(timer);
            });
            s.onWorkerStop((x, id) -> p.add("worker stop"));
            s.onReceive((x, fd, rid, data) -> { });
        }
    }

    /**
     * {@code tests/swoole_server/event/worker_exit.phpt}: a worker started with a live timer reports status 2 (idle) at
     * start and in its tick; when it stops, onWorkerExit fires with status 3 (exit) while the timer is alive, the
     * callback clears it, and onWorkerStop follows. (The .phpt reaches the stop through SIGUSR1's reload, which
     * jswoole has in PROCESS mode only, see README "Deviations"; the stop here is the shutdown, the same path.)
     */
    @ParameterizedTest
    @EnumSource(Mode.class)
    void workerExitFiresWhileATimerLivesThenWorkerStop(Mode mode) throws Exception {
        List<String> ev;
        try (Probe p = Probe.create()) {
            try (Running r = Running.start(Recipe.server(mode, Map.of("worker_num", 1), TickUntilExit.class, p))) {
                assertThat(eventually(() -> p.events().stream().anyMatch(e -> e.startsWith("tick")))).isTrue();
            }
            ev = p.events();
        }
        assertThat(ev).containsSubsequence("worker start, id=0, status=" + Server.WORKER_IDLE,
                "tick, id=0, status=" + Server.WORKER_IDLE, "worker exit, id=0, status=" + Server.WORKER_EXIT,
                "worker stop");
        assertThat(ev.indexOf("worker stop")).as("no tick after the exit callback cleared the timer")
                .isGreaterThan(ev.lastIndexOf(ev.stream().filter(e -> e.startsWith("tick")).reduce((a, b) -> b)
                        .orElseThrow()));
    }
}
