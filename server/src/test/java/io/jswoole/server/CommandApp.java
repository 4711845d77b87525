package io.jswoole.server;

import io.jswoole.coroutine.Coroutine;
import java.util.Map;

/**
 * A line-protocol server that exercises the Server API, for tests that must behave the same in THREAD and
 * PROCESS mode. In PROCESS mode the worker JVMs run {@link #main}, which builds the same server.
 * Commands (one per line): {@code echo X}, {@code fd}, {@code pid}, {@code worker}, {@code info}, {@code exists FD},
 * {@code list}, {@code close}, {@code send FD X}, {@code big N} (N bytes, then close), {@code closes FD graceful,reset}, {@code flood N} (N tasks at once), {@code stats}, {@code sleep MS}, {@code crash}, {@code grow MB}, {@code task X} (taskwait), {@code async X}
 * (task + finish event), {@code multi} (taskWaitMulti), {@code pipe WORKER X} (sendMessage), {@code shutdown}.
 */
public final class CommandApp {
    /** What {@code grow} keeps alive. */
    private static final java.util.List<byte[]> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();

    private CommandApp() {
    }

    static Server create(Mode mode, Map<String, Object> extra) {
        Server s = new Server("127.0.0.1", 0, mode);
        java.util.Map<String, Object> settings = new java.util.HashMap<>(Map.of("worker_num", 2,
                "task_worker_num", 1, "open_eof_split", true, "package_eof", "\n"));
        settings.putAll(extra);
        s.set(settings);
        s.onTask((srv, taskId, src, data) -> {
            String d = (String) data;
            if (d.startsWith("whoami")) { // "whoami" and any padding
                return ProcessHandle.current().pid() + " " + srv.isTaskWorker() + " " + srv.getWorkerId();
            }
            if (d.startsWith("sleep")) {
                Coroutine.sleep(Integer.parseInt(d.substring(6)) / 1000.0);
            }
            return d.toUpperCase();
        });
        s.onFinish((srv, taskId, result) -> {
            String r = (String) result; // "FD:<fd>:TEXT"
            String[] p = r.split(":", 3);
            srv.send(Integer.parseInt(p[1]), "finished " + p[2].toLowerCase() + "\n");
        });
        s.onPipeMessage((srv, src, message) -> {
            if (((String) message).startsWith("sleep:")) { // "sleep:MS": holds this worker's callbacks that long
                Coroutine.sleep(Integer.parseInt(((String) message).substring(6)) / 1000.0);
                return;
            }
            String[] p = ((String) message).split(":", 3); // "fd:<fd>:text"
            srv.send(Integer.parseInt(p[1]), "pipe from " + src + " to " + srv.getWorkerId() + ": " + p[2] + "\n");
        });
        s.onReceive((srv, fd, rid, data) -> {
            String line = new String(data).trim();
            String[] w = line.split(" ", 3);
            String reply = switch (w[0]) {
                case "echo" -> line.substring(5);
                case "fd" -> Integer.toString(fd);
                case "pid" -> Long.toString(ProcessHandle.current().pid());
                case "ls" -> String.join(",", new java.util.TreeSet<>(java.util.Arrays.asList(
                        java.util.Objects.requireNonNullElse(new java.io.File(w[1]).list(), new String[0]))));
                case "worker" -> Integer.toString(srv.getWorkerId());
                case "status" -> srv.getWorkerStatus(Integer.parseInt(w[1])) + "";
                case "sendwait" -> srv.sendwait(fd, (w[1] + "\n").getBytes()) + " " + srv.getLastError();
                case "info" -> srv.getClientInfo(fd).map(i -> i.remoteIp() + ":" + i.remotePort()).orElse("none");
                case "exists" -> Boolean.toString(srv.exists(Integer.parseInt(w[1])));
                case "list" -> srv.getClientList(0, 10).toString();
                case "close" -> {
                    srv.close(fd);
                    yield null;
                }
                case "send" -> Boolean.toString(srv.send(Integer.parseInt(w[1]), w[2] + "\n"));
                case "big" -> { // N bytes of pattern(), then a graceful close
                    srv.send(fd, pattern(Integer.parseInt(w[1])));
                    srv.close(fd);
                    yield null;
                }
                case "flood" -> { // N tasks [of B bytes] at once to any task worker: "ok=N failed=M pids=K refused=R pending=P
                    // ms=T" once all answered or after 120 s (failed: the callback got no result, as when "its task
                    // worker died"; refused: task() returned -1; pending: no answer yet, so slow rather than lost)
                    long t0 = System.nanoTime();
                    int n = Integer.parseInt(w[1]);
                    String task = "whoami" + (w.length > 2 ? " ".repeat(Integer.parseInt(w[2])) : "");
                    var ok = new java.util.concurrent.atomic.AtomicInteger();
                    var failed = new java.util.concurrent.atomic.AtomicInteger();
                    var refused = new java.util.concurrent.atomic.AtomicInteger();
                    var pids = java.util.concurrent.ConcurrentHashMap.<String>newKeySet();
                    var all = new java.util.concurrent.CountDownLatch(n);
                    for (int i = 0; i < n; i++) {
                        int id = srv.task(task, -1, (x, taskId, result) -> {
                            if (result instanceof String r && r.contains(" true ")) { // "pid true taskWorkerId"
                                ok.incrementAndGet();
                                pids.add(r.split(" ")[0]);
                            } else {
                                failed.incrementAndGet();
                            }
                            all.countDown();
                        });
                        if (id < 0) {
                            failed.incrementAndGet();
                            refused.incrementAndGet();
                            all.countDown();
                        }
                    }
                    try {
                        all.await(120, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield "ok=" + ok + " failed=" + failed + " pids=" + pids.size() + " refused=" + refused
                            + " pending=" + all.getCount() + " ms=" + (System.nanoTime() - t0) / 1_000_000;
                }
                case "retire" -> { // retire K N MS: K tasks, a pipe message that holds task worker #worker_num MS,
                    // then N tasks; "ok=X failed=Y" once all answered (or after 60 s)
                    int k = Integer.parseInt(w[1]);
                    String[] rest = w[2].split(" ");
                    int n = Integer.parseInt(rest[0]);
                    var ok = new java.util.concurrent.atomic.AtomicInteger();
                    var failed = new java.util.concurrent.atomic.AtomicInteger();
                    var all = new java.util.concurrent.CountDownLatch(k + n);
                    Callbacks.OnFinish count = (x, taskId, result) -> {
                        (result instanceof String r && r.contains(" true ") ? ok : failed).incrementAndGet();
                        all.countDown();
                    };
                    for (int i = 0; i < k + n; i++) {
                        if (i == k) {
                            srv.sendMessage("sleep:" + rest[1], (Integer) srv.setting().get("worker_num"));
                        }
                        srv.task("whoami", -1, count);
                    }
                    try {
                        all.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    yield "ok=" + ok + " failed=" + failed;
                }
                case "closes" -> { // closes FD [reset]: the answer and error of each close asked
                    int other = Integer.parseInt(w[1]);
                    StringBuilder b = new StringBuilder();
                    for (String how : w[2].split(",")) {
                        boolean ok = srv.close(other, how.equals("reset"));
                        b.append(b.isEmpty() ? "" : " ").append(ok).append(ok ? "" : ":" + srv.getLastError());
                    }
                    yield b.toString();
                }
                case "stats" -> String.valueOf(srv.stats().get("connection_num"));
                case "masterpid" -> String.valueOf(srv.getMasterPid());
                case "coroutines" -> String.valueOf(srv.stats().get("coroutine_num"));
                case "dispatched" -> String.valueOf(srv.stats().get("worker_dispatch_count"));
                case "sleep" -> {
                    Coroutine.sleep(Integer.parseInt(w[1]) / 1000.0);
                    yield "slept";
                }
                case "sleepw" -> { // sleeps, then says which worker it slept on
                    Coroutine.sleep(Integer.parseInt(w[1]) / 1000.0);
                    yield "slept on " + srv.getWorkerId();
                }
                case "crash" -> throw new IllegalStateException("crash requested by the test");
                case "grow" -> { // grow MB: this JVM keeps MB more mebibytes, every page touched
                    int mb = Integer.parseInt(w[1]);
                    for (int i = 0; i < mb; i++) {
                        byte[] chunk = new byte[1 << 20];
                        java.util.Arrays.fill(chunk, (byte) 1);
                        HELD.add(chunk);
                    }
                    yield Integer.toString(mb);
                }
                case "task" -> String.valueOf(srv.taskwait(line.substring(5), 5));
                case "taskto" -> String.valueOf(srv.taskwait(w[2], 5, Integer.parseInt(w[1]))); // taskto DST DATA
                case "async" -> {
                    srv.task("fd:" + fd + ":" + line.substring(6));
                    yield null;
                }
                case "pipe" -> Boolean.toString(srv.sendMessage("fd:" + fd + ":" + w[2], Integer.parseInt(w[1])));
                case "multi" -> srv.taskWaitMulti(java.util.List.of("a", "b", "c"), 5).toString();
                case "shutdown" -> {
                    srv.shutdown(); // from a worker: the master answers while it stops the workers
                    yield null;
                }
                default -> "unknown " + w[0];
            };
            if (reply != null) {
                srv.send(fd, reply + "\n");
            }
        });
        return s;
    }

    /** {@code n} bytes that a reader can check position by position. */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    /** A worker JVM of PROCESS mode: the same server; start() connects to the master. */
    public static void main(String[] args) {
        Map<String, Object> extra = new java.util.HashMap<>();
        for (String a : args) {
            String[] kv = a.split("=", 2);
            extra.put(kv[0], Settings.parse(kv[0], kv[1]));
        }
        create(Mode.PROCESS, extra).start();
    }
}
