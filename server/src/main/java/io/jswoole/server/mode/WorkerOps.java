package io.jswoole.server.mode;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.server.process.ProcessManager;
import io.jswoole.server.process.ProcessWorker;
import io.jswoole.server.process.RemoteWorker;
import io.jswoole.server.process.ToMaster;
import io.jswoole.server.worker.Worker;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What callbacks can ask of and do to the workers, wherever they run: this JVM's threads (BASE, THREAD), the PROCESS
 * master's worker JVMs, or, from a worker JVM, the master. {@link Server} picks one at start ({@link #NOT_STARTED}
 * before it) and delegates.
 */
public interface WorkerOps {
    /** The worker running the caller, -1 outside any. */
    int workerId();

    boolean reload();

    boolean stop(int workerId);

    int pid(int workerId);

    int status(int workerId);

    int masterPid();

    boolean shutdown();

    Map<String, Object> stats();

    /**
     * Keeps the caller's worker busy, as with an event in flight, until the returned action runs (once); see
     * {@link Server#holdWorker}.
     */
    Runnable hold();

    /** Counts one more on {@code busy}, and one less when the returned action first runs. */
    static Runnable held(java.util.concurrent.atomic.AtomicInteger busy) {
        busy.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                busy.decrementAndGet();
            }
        };
    }

    WorkerOps NOT_STARTED = new WorkerOps() {
        @Override
        public int workerId() {
            return -1;
        }

        @Override
        public boolean reload() {
            return LastError.fail(ErrorCode.OPERATION_NOT_SUPPORT);
        }

        @Override
        public boolean stop(int workerId) {
            return LastError.fail(ErrorCode.OPERATION_NOT_SUPPORT);
        }

        @Override
        public int pid(int workerId) {
            return -1;
        }

        @Override
        public int status(int workerId) {
            LastError.set(ErrorCode.INVALID_PARAMS);
            return -1;
        }

        @Override
        public int masterPid() {
            return (int) ProcessHandle.current().pid();
        }

        @Override
        public boolean shutdown() {
            return false;
        }

        @Override
        public Map<String, Object> stats() {
            return Map.of();
        }

        @Override
        public Runnable hold() {
            return () -> { };
        }
    };

    /** BASE and THREAD: every worker is a thread of this JVM; there is nothing to reload. */
    static WorkerOps oneJvm(Server server, OneJvm engine, List<? extends Worker> all) {
        return new InThisJvm(server, engine) {
            @Override
            public boolean reload() {
                if (engine.reloadCertificates()) {
                    return true; // the workers stay: they are threads of this JVM
                }
                Log.warning("reload() needs Mode.PROCESS (workers of BASE and THREAD mode live in this JVM)");
                return LastError.fail(ErrorCode.OPERATION_NOT_SUPPORT);
            }

            @Override
            public boolean stop(int workerId) {
                return LastError.fail(ErrorCode.OPERATION_NOT_SUPPORT);
            }

            @Override
            public int pid(int workerId) {
                return masterPid();
            }

            @Override
            public int status(int workerId) {
                if (workerId < 0 || workerId >= all.size()) {
                    LastError.set(ErrorCode.INVALID_PARAMS);
                    return -1;
                }
                return all.get(workerId).idle() ? Server.WORKER_IDLE : Server.WORKER_BUSY;
            }
        };
    }

    /** The PROCESS master: its manager starts, replaces and reports the worker JVMs. */
    static WorkerOps master(Server server, OneJvm engine, ProcessManager manager) {
        return new InThisJvm(server, engine) {
            @Override
            public boolean reload() {
                engine.reloadCertificates();
                Thread.ofPlatform().name("jswoole-reload").start(() -> {
                    Log.notice("reloading " + manager.workerNum + " workers");
                    engine.ops.reloading();
                    manager.reload();
                    engine.ops.reloaded();
                    Log.notice("reload done");
                });
                return true;
            }

            @Override
            public boolean stop(int workerId) {
                if (workerId < 0 || workerId >= manager.workers.length) {
                    return LastError.fail(ErrorCode.OPERATION_NOT_SUPPORT);
                }
                Thread.ofPlatform().name("jswoole-stop-worker").start(() -> manager.restart(manager.workers[workerId]));
                return true;
            }

            @Override
            public int pid(int workerId) {
                return workerId >= 0 && workerId < manager.workers.length ? (int) manager.workers[workerId].pid
                        : masterPid();
            }

            @Override
            public int status(int workerId) {
                if (workerId < 0 || workerId >= manager.workers.length) {
                    LastError.set(ErrorCode.INVALID_PARAMS);
                    return -1;
                }
                RemoteWorker r = manager.workers[workerId];
                return r.channel == null ? Server.WORKER_EXIT : r.proxy.idle() ? Server.WORKER_IDLE
                        : Server.WORKER_BUSY;
            }
        };
    }

    /**
     * A PROCESS worker JVM: the master answers; {@code stats()} is the master's, with {@code coroutine_num} and
     * {@code coroutine_peek_num} from this JVM, whose coroutines the master cannot count.
     */
    static WorkerOps workerJvm(ProcessWorker link, io.jswoole.coroutine.Scheduler scheduler) {
        return new WorkerOps() {
            @Override
            public int workerId() {
                return link.id;
            }

            @Override
            public boolean reload() {
                return Boolean.TRUE.equals(link.call(ToMaster.Query.RELOAD, null));
            }

            @Override
            public boolean stop(int workerId) {
                return Boolean.TRUE.equals(link.call(ToMaster.Query.STOP_WORKER, workerId));
            }

            @Override
            public int pid(int workerId) {
                Object pid = link.call(ToMaster.Query.WORKER_PID, workerId);
                return pid == null ? -1 : (Integer) pid;
            }

            @Override
            public int status(int workerId) {
                Object st = link.call(ToMaster.Query.WORKER_STATUS, workerId);
                return st == null ? -1 : (Integer) st;
            }

            @Override
            public Runnable hold() {
                return link.hold();
            }

            @Override
            public int masterPid() {
                String pid = System.getenv(ProcessManager.ENV_MASTER_PID);
                return pid == null ? -1 : Integer.parseInt(pid);
            }

            @Override
            public boolean shutdown() {
                return Boolean.TRUE.equals(link.call(ToMaster.Query.SHUTDOWN, null));
            }

            @Override
            @SuppressWarnings("unchecked")
            public Map<String, Object> stats() {
                Object m = link.call(ToMaster.Query.STATS, null);
                if (m == null) {
                    return Map.of();
                }
                Map<String, Object> all = new LinkedHashMap<>((Map<String, Object>) m);
                all.put("coroutine_num", scheduler.coroutineNum());
                all.put("coroutine_peek_num", scheduler.coroutinePeak());
                return all;
            }
        };
    }

    /** What BASE, THREAD and the PROCESS master share: the caller's worker, the pid, shutdown, stats. */
    abstract class InThisJvm implements WorkerOps {
        private final Server server;
        private final OneJvm engine;

        InThisJvm(Server server, OneJvm engine) {
            this.server = server;
            this.engine = engine;
        }

        @Override
        public int workerId() {
            Worker w = engine.currentWorker();
            return w == null ? -1 : w.id;
        }

        @Override
        public int masterPid() {
            return (int) ProcessHandle.current().pid();
        }

        @Override
        public boolean shutdown() {
            return ServerAccess.stopInBackground(server);
        }

        @Override
        public Map<String, Object> stats() {
            return engine.stats(engine.currentWorker());
        }

        @Override
        public Runnable hold() {
            Worker w = engine.currentWorker();
            return w == null ? () -> { } : held(w.concurrency);
        }
    }
}
