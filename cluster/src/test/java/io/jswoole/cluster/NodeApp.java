package io.jswoole.cluster;

import io.jswoole.memory.Table;
import io.jswoole.server.GlobalFd;
import io.jswoole.server.Server;
import io.jswoole.server.Mode;
import io.jswoole.websocket.WebSocketServer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One jswoole node of the tests, run as its own JVM ({@link Node}): a WebSocket server in the cluster whose
 * clients drive the cluster face with one-line commands ({@code push a#3 hi}, {@code join r}, {@code bcast r hi},
 * {@code list}...); each command is answered with a line starting {@code "= "}; everything else a client gets was
 * pushed to it. In PROCESS mode the worker JVMs run this main again.
 * <p>Arguments: {@code mode port nodeId redisUrl ttlSeconds}.
 */
public final class NodeApp {
    private NodeApp() {
    }

    public static void main(String[] args) {
        Mode mode = Mode.valueOf(args[0]);
        int port = Integer.parseInt(args[1]);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("worker_num", 2);
        settings.put("task_worker_num", 1);
        settings.put("cluster_redis", args[3]);
        settings.put("cluster_node_id", args[2]);
        settings.put("cluster_heartbeat_ttl", Double.parseDouble(args[4]));
        LOCAL.column("hits", Table.Type.INT);
        LOCAL.create();
        String host = System.getenv().getOrDefault("JSWOOLE_TEST_HOST", "127.0.0.1"); // 0.0.0.0 in a netns
        WebSocketServer server = new WebSocketServer(host, port, mode);
        server.set(settings);
        server.onStart(s -> System.out.println("READY " + s.port()));
        server.onMessage((srv, frame) -> {
            String a;
            try {
                a = answer(srv, frame.fd(), frame.text());
            } catch (RuntimeException e) {
                a = "error: " + e.getMessage();
            }
            srv.push(frame.fd(), "= " + a);
        });
        server.onClose((srv, fd, reactorId) -> Cluster.of(srv).forget(fd));
        server.onTask((srv, taskId, src, data) -> {
            if (((String) data).startsWith("bench")) {
                return data;
            }
            String[] w = ((String) data).split(" ", 3);
            return server.push(GlobalFd.parse(w[1]), w[2] + " (from task worker)");
        });
        server.onFinish((srv, taskId, result) -> { });
        if (System.getenv("JSWOOLE_TEST_TASKS") != null) { // cluster task consumers in the task workers
            server.onWorkerStart((srv, workerId) -> {
                if (srv.isTaskWorker()) {
                    tasks(srv).onTask(t -> runTask(srv, t)).start("task" + workerId, 2);
                }
            });
            server.onWorkerStop((srv, workerId) -> {
                if (srv.isTaskWorker()) {
                    tasks(srv).stop();
                }
            });
        }
        server.start();
    }

    private static ClusterTable table;
    private static ClusterTasks tasks;

    /** The test's cluster task queue: short visibility and back-off, 3 attempts. */
    private static synchronized ClusterTasks tasks(Server srv) {
        if (tasks == null) {
            tasks = ClusterTasks.of(srv, "jobs").visibility(java.time.Duration.ofSeconds(1))
                    .backoff(java.time.Duration.ofMillis(200)).maxAttempts(3);
        }
        return tasks;
    }

    /**
     * The test tasks: {@code echo X} answers; {@code hold X} holds its first attempt for a minute (the test kills
     * the node meanwhile); {@code slow X} takes 2.5 s; {@code poison} always throws. Each attempt prints RUNNING, each success RAN.
     */
    private static String runTask(Server srv, ClusterTasks.Task t) throws InterruptedException {
        if (t.data().startsWith("bench")) {
            return t.data();
        }
        String node = Cluster.of(srv).nodeId();
        System.out.println("RUNNING " + t.data() + " on " + node + " attempt " + t.attempt());
        String[] w = t.data().split(" ", 2);
        switch (w[0]) {
            case "poison" -> throw new IllegalStateException("poison task");
            case "slow" -> Thread.sleep(2_500); // OutageTest: finishes while Redis is down
            case "hold" -> {
                if (t.attempt() == 1) {
                    Thread.sleep(60_000);
                }
            }
            default -> { }
        }
        System.out.println("RAN " + t.data() + " on " + node + " attempt " + t.attempt());
        return t.data() + " handled on " + node;
    }
    /** A local Table beside the cluster one, for ClusterTableBench. */
    private static final Table LOCAL = new Table(1024);

    /** The test's cluster table, declared alike in every JVM of every node. */
    private static synchronized ClusterTable table(Server srv) {
        if (table == null) {
            ClusterTable t = ClusterTable.of(srv, "shared", 1024).column("hits", Table.Type.INT)
                    .column("score", Table.Type.FLOAT).column("name", Table.Type.STRING, 8);
            t.create();
            table = t;
        }
        return table;
    }

    private static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    private static void incrManyLocal(String n, int threads) {
        int total = Integer.parseInt(n);
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                pool.execute(() -> {
                    for (int j = 0; j < total / threads; j++) {
                        LOCAL.incr("bench", "hits");
                    }
                });
            }
        }
    }

    /** {@code n} incr of {@code key} split over {@code threads} virtual threads; the last value seen. */
    private static long incrMany(ClusterTable t, String key, int n, int threads) {
        java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < threads; i++) {
                int share = n / threads + (i < n % threads ? 1 : 0);
                pool.execute(() -> {
                    for (int j = 0; j < share; j++) {
                        last.accumulateAndGet(t.incr(key, "hits"), Math::max);
                    }
                });
            }
        }
        return last.get();
    }

    /** How a room message reaches a client: "@id text". */
    private static String frame(Cluster.RoomMessage m) {
        return "@" + m.id() + " " + m.text();
    }

    private static String answer(WebSocketServer srv, int fd, String line) {
        Cluster c = Cluster.of(srv);
        String[] w = line.split(" ", 3);
        return switch (w[0]) {
            case "id" -> c.id(fd).toString();
            case "push" -> Boolean.toString(srv.push(GlobalFd.parse(w[1]), w[2]));
            case "send" -> Boolean.toString(srv.send(GlobalFd.parse(w[1]), w[2])); // raw bytes: outage tests only
            case "taskpush" -> Boolean.toString(srv.task(line) >= 0);
            case "close" -> Boolean.toString(srv.close(GlobalFd.parse(w[1])));
            case "exists" -> Boolean.toString(srv.exists(GlobalFd.parse(w[1])));
            case "info" -> srv.getClientInfo(GlobalFd.parse(w[1])).map(i -> i.remoteIp() + ":" + i.remotePort())
                    .orElse("none");
            case "join" -> Boolean.toString(c.join(fd, w[1]));
            case "leave" -> Boolean.toString(c.leave(fd, w[1]));
            case "members" -> c.members(w[1]).stream().map(GlobalFd::toString).collect(Collectors.joining(","));
            case "bcast" -> Integer.toString(c.broadcast(w[1], w[2]));
            case "bcastk" -> { // bcastk KEY ROOM TEXT: a broadcast safe to retry
                String[] k = line.split(" ", 4);
                yield Integer.toString(c.broadcast(k[2], k[3].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        io.jswoole.websocket.WebSocket.OPCODE_TEXT, k[1]));
            }
            case "list" -> c.getClientList().stream().map(GlobalFd::toString).collect(Collectors.joining(","));
            case "nodes" -> String.join(",", c.nodes());
            case "lbcast" -> { // lbcast TEXT: the local-only broadcast (every connection of this node but the caller)
                int n = 0;
                for (int other : Inbox.localFds(srv)) {
                    if (other != fd && srv.push(other, line.substring(7))) {
                        n++;
                    }
                }
                yield Integer.toString(n);
            }
            case "bind" -> Boolean.toString(srv.bind(fd, Long.parseLong(w[1])));
            case "locate" -> c.locate(Long.parseLong(w[1])).map(GlobalFd::toString).orElse("none");
            case "pid" -> Long.toString(ProcessHandle.current().pid());
            case "tcreate" -> Boolean.toString(table(srv) != null);
            case "tbadcreate" -> Boolean.toString(ClusterTable.of(srv, "shared", 1024)
                    .column("hits", Table.Type.FLOAT).create());
            case "tincr" -> Long.toString(incrMany(table(srv), w[1], Integer.parseInt(w[2]), 4));
            case "tfincr" -> Double.toString(table(srv).incr(w[1], "score", Double.parseDouble(w[2])));
            case "tbench" -> Long.toString(timed(() -> incrMany(table(srv), "bench", Integer.parseInt(w[1]),
                    Integer.parseInt(w[2]))));
            case "lbench" -> Long.toString(timed(() -> incrManyLocal(w[1], Integer.parseInt(w[2]))));
            case "ctask" -> String.valueOf(tasks(srv).task(w[1] + (w.length > 2 ? " " + w[2] : "")));
            case "ctaskk" -> String.valueOf(tasks(srv).task(w[2], w[1]));
            case "ctaskwait" -> String.valueOf(tasks(srv).taskwait(w[1] + (w.length > 2 ? " " + w[2] : ""),
                    java.time.Duration.ofSeconds(8)));
            case "ctaskwaitk" -> String.valueOf(tasks(srv).taskwait(w[2], w[1], java.time.Duration.ofSeconds(8)));
            case "rpub" -> c.publish(w[1], w[2], NodeApp::frame);
            case "resume" -> Integer.toString(c.resume(fd, w[1], w[2], NodeApp::frame));
            case "cbench" -> { // cbench N T: N cluster taskwaits from T virtual threads; elapsed ns
                int n = Integer.parseInt(w[1]);
                int t = Integer.parseInt(w[2]);
                yield Long.toString(timed(() -> {
                    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                        for (int i = 0; i < t; i++) {
                            pool.execute(() -> {
                                for (int j = 0; j < n / t; j++) {
                                    if (tasks(srv).taskwait("bench", java.time.Duration.ofSeconds(10)) == null) {
                                        throw new IllegalStateException("a bench task timed out");
                                    }
                                }
                            });
                        }
                    }
                }));
            }
            case "lbench-task" -> { // lbench-task N T: N local taskwaits, T at once (taskWaitMulti); elapsed ns
                int n = Integer.parseInt(w[1]);
                int t = Integer.parseInt(w[2]);
                yield Long.toString(timed(() -> {
                    for (int j = 0; j < n / t; j++) {
                        List<Object> r = t == 1 ? List.of(srv.taskwait("bench", 10.0))
                                : srv.taskWaitMulti(java.util.Collections.nCopies(t, "bench"), 10.0);
                        if (r.stream().anyMatch(x -> !"bench".equals(x))) {
                            throw new IllegalStateException("a local bench task failed: " + r);
                        }
                    }
                }));
            }
            case "tincr1" -> Long.toString(table(srv).incr(w[1], "hits"));
            case "tdecr" -> Long.toString(table(srv).decr(w[1], "hits"));
            case "tset" -> { // tset KEY COLUMN=VALUE,...: INT columns parse as long, FLOAT as double
                Map<String, Object> row = new LinkedHashMap<>();
                for (String kv : w[2].split(",")) {
                    String[] p = kv.split("=", 2);
                    row.put(p[0], switch (p[0]) {
                        case "hits" -> p[1].matches("-?\\d+") ? (Object) Long.parseLong(p[1]) : p[1];
                        case "score" -> Double.parseDouble(p[1]);
                        default -> p[1];
                    });
                }
                yield Boolean.toString(table(srv).set(w[1], row));
            }
            case "tget" -> String.valueOf(w.length > 2 ? table(srv).get(w[1], w[2]) : table(srv).get(w[1]));
            case "texists" -> Boolean.toString(table(srv).exists(w[1]));
            case "tdel" -> Boolean.toString(table(srv).del(w[1]));
            case "tcount" -> Integer.toString(table(srv).count());
            case "tdestroy" -> Boolean.toString(table(srv).destroy());
            default -> "unknown command " + w[0];
        };
    }
}
