package io.jswoole.server;

import io.jswoole.log.Log;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The process signals a server answers, as Swoole's master does: SIGTERM and SIGINT shut every server of this JVM
 * down gracefully, SIGUSR1 reloads the worker JVMs of PROCESS-mode servers, SIGUSR2 their task workers only.
 * (HotSpot suspends threads with SIGUSR2, for JFR's sampler among others, unless {@code _JAVA_SR_SIGNUM} moves
 * that elsewhere; the launcher sets it to 39. Without it SIGUSR2 is left to HotSpot: handling it would reload the
 * task workers at every JFR sample. Only a server with task worker JVMs, the one thing SIGUSR2 is for, says so in a
 * warning.)
 */
final class Signals {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean USR2 = new AtomicBoolean();
    private static final Set<Server> RUNNING = ConcurrentHashMap.newKeySet();

    private Signals() {
    }

    /**
     * {@code server} serves now; the handlers are installed with the first one, SIGUSR2's with the first that has
     * task worker JVMs ({@code taskWorkerJvms}).
     */
    static void register(Server server, boolean taskWorkerJvms) {
        RUNNING.add(server);
        if (INSTALLED.compareAndSet(false, true)) {
            on("TERM", "shutting down", Server::shutdown);
            on("INT", "shutting down", Server::shutdown);
            on("USR1", "reloading the workers", s -> s.runtime().reloadOnSignal());
        }
        if (taskWorkerJvms && USR2.compareAndSet(false, true)) {
            String sr = System.getenv("_JAVA_SR_SIGNUM");
            if (sr == null || sr.equals("12")) {
                Log.warning("SIGUSR2 stays HotSpot's thread-suspend signal in this JVM, so it cannot reload the "
                        + "task workers (start the JVM with the environment variable _JAVA_SR_SIGNUM=39, as "
                        + "./jswoole does; reload() and ./jswoole reload still work)");
            } else {
                on("USR2", "reloading the task workers", s -> s.runtime().reloadTaskWorkersOnSignal());
            }
        }
    }

    /** {@code server} has stopped; true when no server of this JVM is left serving. */
    static boolean unregister(Server server) {
        RUNNING.remove(server);
        return RUNNING.isEmpty();
    }

    private static void on(String name, String what, Consumer<Server> action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                Log.notice("received SIG" + name + ", " + what);
                for (Server s : RUNNING) {
                    action.accept(s);
                }
            });
        } catch (IllegalArgumentException e) {
            Log.warning("cannot handle SIG" + name + ": " + e.getMessage());
        }
    }
}
