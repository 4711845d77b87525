package io.jswoole.server;

import static io.jswoole.server.Running.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.server.dispatch.Dispatcher;
import java.net.Socket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The routing property of each dispatch mode, in THREAD and PROCESS mode (both dispatch in the reactors; BASE
 * serves each connection on the loop that accepted it).
 */
class DispatchTest {
    private Probe probe;

    /** Echo; reports "recv FD WORKER" for each receive and "connectFD" / "closeFD". */
    static final class Seen implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onConnect((x, fd, rid) -> probe.add("connect" + fd));
            s.onClose((x, fd, rid) -> probe.add("close" + fd));
            s.onReceive((x, fd, rid, data) -> {
                probe.add("recv " + fd + " " + x.getWorkerId());
                x.send(fd, data);
            });
        }
    }

    @org.junit.jupiter.api.BeforeEach
    void newProbe() {
        probe = Probe.create();
    }

    @org.junit.jupiter.api.AfterEach
    void closeProbe() throws Exception {
        probe.close();
    }

    /** Which worker handled each receive, per fd, in order. */
    private Map<Integer, List<Integer>> seen() {
        Map<Integer, List<Integer>> m = new java.util.TreeMap<>();
        for (String e : probe.events()) {
            if (e.startsWith("recv ")) {
                String[] p = e.split(" ");
                m.computeIfAbsent(Integer.valueOf(p[1]), k -> new java.util.ArrayList<>()).add(Integer.valueOf(p[2]));
            }
        }
        return m;
    }

    private List<String> connectClose() {
        return probe.events().stream().filter(e -> !e.startsWith("recv ")).toList();
    }

    private Server server(Mode mode, Map<String, Object> settings) {
        return server(mode, settings, Seen.class);
    }

    private Server server(Mode mode, Map<String, Object> settings, Class<? extends Recipe> recipe) {
        Map<String, Object> all = new HashMap<>(settings);
        all.put("worker_num", 4);
        all.putIfAbsent("reactor_num", 2);
        return Recipe.server(mode, all, recipe, probe);
    }

    private void talk(Running r, int connections, int messages) throws Exception {
        for (int c = 0; c < connections; c++) {
            try (Socket s = r.connect()) {
                for (int i = 0; i < messages; i++) {
                    assertThat(Running.exchange(s, "m")).isEqualTo("m");
                }
            }
        }
    }

    private static Server srv(Running r) {
        return r.server;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void fdModuloSendsAConnectionToWorkerFdModN(Mode mode) throws Exception {
        try (Running r = Running.start(server(mode, Map.of("dispatch_mode", 2)))) {
            talk(r, 5, 4);
            seen().forEach((fd, ws) -> assertThat(ws).containsOnly(fd % 4));
            assertThat(eventually(() -> connectClose().size() == 10)).isTrue();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void roundRobinSpreadsOneConnectionOverWorkersWithoutConnectOrClose(Mode mode) throws Exception {
        try (Running r = Running.start(server(mode, Map.of("dispatch_mode", 1)))) {
            talk(r, 1, 8);
            assertThat(seen().get(1)).containsExactly(0, 1, 2, 3, 0, 1, 2, 3);
            Thread.sleep(50);
            assertThat(connectClose()).as("modes 1 and 3 fire no connect/close").isEmpty();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void unsafeEventBringsConnectAndCloseBackInModeOne(Mode mode) throws Exception {
        try (Running r = Running.start(server(mode, Map.of("dispatch_mode", 1, "enable_unsafe_event", true)))) {
            talk(r, 1, 2);
            assertThat(eventually(() -> connectClose().size() == 2)).isTrue();
            assertThat(connectClose()).containsExactly("connect1", "close1");
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void idleWorkerPicksAWorkerWithNothingInFlight(Mode mode) throws Exception {
        try (Running r = Running.start(server(mode, Map.of("dispatch_mode", 3)))) {
            talk(r, 1, 8);
            assertThat(seen().get(1)).hasSize(8);
            // one request at a time: every worker is idle, so the scan starts at the next round-robin slot
            assertThat(Set.copyOf(seen().get(1))).hasSize(4);
            assertThat(connectClose()).isEmpty();
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void ipModuloSendsOneAddressToOneWorker(Mode mode) throws Exception {
        try (Running r = Running.start(server(mode, Map.of("dispatch_mode", 4)))) {
            talk(r, 4, 2);
            int expected = Math.floorMod(Dispatcher.ipHash("127.0.0.1"), 4);
            seen().values().forEach(ws -> assertThat(ws).containsOnly(expected));
        }
    }

    /** {@link Seen}, and "bind" binds uid 7. */
    static final class BindsSeven implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            s.onReceive((x, fd, rid, data) -> {
                probe.add("recv " + fd + " " + x.getWorkerId());
                if (new String(data).equals("bind")) {
                    x.bind(fd, 7);
                }
                x.send(fd, data);
            });
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void uidModuloFollowsTheBoundUidAndTheFdBefore(Mode mode) throws Exception {
        try (Running r = Running.start(server(mode, Map.of("dispatch_mode", 5), BindsSeven.class));
                Socket c = r.connect()) {
            assertThat(Running.exchange(c, "bind")).isEqualTo("bind");
            assertThat(Running.exchange(c, "next")).isEqualTo("next");
            assertThat(seen().get(1)).containsExactly(1 % 4, 7 % 4);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void coroutineLoadBalancingModesPickTheLeastBusyWorker(Mode mode) throws Exception {
        // mode 8 keeps a connection on the worker chosen at its first event
        try (Running r = Running.start(server(mode, Map.of("dispatch_mode", 8)))) {
            talk(r, 3, 4);
            seen().values().forEach(ws -> assertThat(Set.copyOf(ws)).hasSize(1));
        }
        // modes 9 and 10 choose per event; with one request at a time every worker is equally idle, so the
        // choice rotates instead of sticking to worker 0
        for (int dispatchMode : new int[] {9, 10}) {
            probe.close();
            probe = Probe.create();
            try (Running r = Running.start(server(mode, Map.of("dispatch_mode", dispatchMode)))) {
                talk(r, 1, 8);
                assertThat(Set.copyOf(seen().values().iterator().next())).as("mode " + dispatchMode)
                        .hasSizeGreaterThan(1);
            }
        }
    }

    /**
     * Modes 8, 9 and 10 send an event to a worker with the least load: four slow events, dispatched one after the
     * other while the earlier ones still sleep in their handlers, land on four different workers. (Over many short
     * events the spread is wider than Swoole's tests ask: the README says why.)
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"THREAD,8", "THREAD,9", "THREAD,10", "PROCESS,8", "PROCESS,9",
            "PROCESS,10"})
    void slowEventsGoToTheWorkersThatAreNotBusy(Mode mode, int dispatchMode) throws Exception {
        Server s = SharedModesTest.start(mode, Map.of("worker_num", 4, "dispatch_mode", dispatchMode),
                "worker_num=4", "dispatch_mode=" + dispatchMode);
        try (Running r = Running.start(s)) {
            List<SharedModesTest.Client> clients = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    SharedModesTest.Client c = new SharedModesTest.Client(r.port());
                    clients.add(c);
                    c.out.write("sleepw 1500\n".getBytes());
                    c.out.flush();
                    Thread.sleep(150); // the event is in its handler before the next is dispatched
                }
                Set<String> workers = new java.util.TreeSet<>();
                for (SharedModesTest.Client c : clients) {
                    workers.add(c.in.readLine());
                }
                assertThat(workers).as("mode " + dispatchMode).hasSize(4);
            } finally {
                for (SharedModesTest.Client c : clients) {
                    c.close();
                }
            }
        }
    }

    @Test
    void removedAndInternalDispatchModesAreRejectedByName() {
        Server s = new Server("127.0.0.1", 0, Mode.THREAD);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.set(Map.of("dispatch_mode", 7)))
                .hasMessageContaining("'dispatch_mode' 7");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.set(Map.of("dispatch_mode", 6)))
                .hasMessageContaining("dispatch_func");
    }

    /** {@link Seen} with a dispatch_func: "drop" is discarded, "close" closes, "fallback" uses mode 2, else 3. */
    static final class ByFunction implements Recipe {
        @Override
        public void build(Server s, Probe probe) {
            DispatchFunction f = (srv, fd, type, data) -> {
                if (type != DispatchFunction.TYPE_DATA) {
                    return DispatchFunction.USERFUNC_FALLBACK;
                }
                return switch (new String(data)) {
                    case "drop" -> DispatchFunction.DISCARD_PACKET;
                    case "close" -> DispatchFunction.CLOSE_CONNECTION;
                    case "fallback" -> DispatchFunction.USERFUNC_FALLBACK;
                    default -> 3;
                };
            };
            s.set(Map.of("dispatch_func", f));
            new Seen().build(s, probe);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Mode.class, names = {"THREAD", "PROCESS"})
    void dispatchFuncChoosesDiscardsClosesOrFallsBack(Mode mode) throws Exception {
        try (Running r = Running.start(server(mode, Map.of(), ByFunction.class))) {
            try (Socket c = r.connect()) {
                assertThat(Running.exchange(c, "three")).isEqualTo("three");
                c.getOutputStream().write("drop".getBytes());
                // wait until the reactor has read "drop", so the next write is a packet of its own
                assertThat(eventually(() -> (Long) srv(r).stats().get("request_count") == 2)).isTrue();
                assertThat(Running.exchange(c, "fallback")).isEqualTo("fallback");
                assertThat(seen().get(1)).containsExactly(3, 1 % 4);
                c.getOutputStream().write("close".getBytes());
                assertThat(Running.closedByPeer(c)).isTrue();
            }
        }
    }
}
