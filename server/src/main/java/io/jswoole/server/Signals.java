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
 * that elsewhere; the launcher sets it to 39. Without it SIGUSR2 is left to HotSpot and one warning says so:
 * handling it would reload the task workers at every JFR sample.)
 */
final class Signals {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final Set<Server> RUNNING = ConcurrentHashMap.newKeySet();

    private Signals() {
    }

    /** {@code server} serves now; the handlers are installed with the first one. */
    static void register(Server server) {
        RUNNING.add(server);
        if (INSTALLED.compareAndSet(false, true)) {
            on("TERM", "shutting down", Server::shutdown);
            on("INT", "shutting down", Server::shutdown);
            on("USR1", "reloading the workers", Server::reloadOnSignal);
            String sr = System.getenv("_JAVA_SR_SIGNUM");
            if (sr == null || sr.equals("12")) {
                Log.warning("SIGUSR2 stays HotSpot's thread-suspend signal in this JVM (start it with "
                        + "_JAVA_SR_SIGNUM=39, as ./jswoole does, to reload task workers on SIGUSR2)");
            } else {
                on("USR2", "reloading the task workers", Server::reloadTaskWorkersOnSignal);
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
