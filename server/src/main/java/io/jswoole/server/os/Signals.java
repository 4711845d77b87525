package io.jswoole.server.os;

import io.jswoole.log.Log;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The process signals a server answers, as Swoole's master does: SIGTERM and SIGINT shut every server of this JVM
 * down gracefully, SIGUSR1 reloads the worker JVMs of PROCESS-mode servers, SIGUSR2 their task workers only.
 * (HotSpot suspends threads with SIGUSR2, for JFR's sampler among others, unless {@code _JAVA_SR_SIGNUM} moves
 * that elsewhere; the launcher sets it to 39. Without it SIGUSR2 is left to HotSpot: handling it would reload the
 * task workers at every JFR sample. Only a server with task worker JVMs, the one thing SIGUSR2 is for, says so in a
 * warning.)
 */
public final class Signals {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final AtomicBoolean USR2 = new AtomicBoolean();
    private static final Map<Object, Target> RUNNING = new ConcurrentHashMap<>();

    private Signals() {
    }

    /** What a signal does to one running server. */
    public record Target(Runnable shutdown, Runnable reload, Runnable reloadTaskWorkers) {
    }

    /**
     * {@code server} serves now, and signals do to it what {@code target} says; the handlers are installed with the
     * first one, SIGUSR2's with the first that has task worker JVMs ({@code taskWorkerJvms}).
     */
    public static void register(Object server, Target target, boolean taskWorkerJvms) {
        RUNNING.put(server, target);
        if (INSTALLED.compareAndSet(false, true)) {
            on("TERM", "shutting down", Target::shutdown);
            on("INT", "shutting down", Target::shutdown);
            on("USR1", "reloading the workers", Target::reload);
        }
        if (taskWorkerJvms && USR2.compareAndSet(false, true)) {
            String sr = System.getenv("_JAVA_SR_SIGNUM");
            if (sr == null || sr.equals("12")) {
                Log.warning("SIGUSR2 stays HotSpot's thread-suspend signal in this JVM, so it cannot reload the "
                        + "task workers (start the JVM with the environment variable _JAVA_SR_SIGNUM=39, as "
                        + "./jswoole does; reload() and ./jswoole reload still work)");
            } else {
                on("USR2", "reloading the task workers", Target::reloadTaskWorkers);
            }
        }
    }

    /** {@code server} has stopped; true when no server of this JVM is left serving. */
    public static boolean unregister(Object server) {
        RUNNING.remove(server);
        return RUNNING.isEmpty();
    }

    private static void on(String name, String what, Function<Target, Runnable> action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                Log.notice("received SIG" + name + ", " + what);
                for (Target t : RUNNING.values()) {
                    action.apply(t).run();
                }
            });
        } catch (IllegalArgumentException e) {
            Log.warning("cannot handle SIG" + name + ": " + e.getMessage());
        }
    }
}
