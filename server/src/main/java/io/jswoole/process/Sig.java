package io.jswoole.process;

import io.jswoole.coroutine.Scheduler;
import io.jswoole.log.Log;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;

/**
 * Signal numbers (Linux), their names, and {@code Process::signal} on the JVM's own signal dispatcher
 * ({@code sun.misc.Signal}, the same mechanism as the server's SIGTERM/SIGUSR1 handling).
 * <p>HotSpot keeps some signals for itself (SIGQUIT prints thread dumps, SIGSEGV/SIGBUS/SIGFPE/SIGILL back its
 * implicit null checks and safepoints) and the kernel lets nobody catch SIGKILL and SIGSTOP: those are refused with
 * the reason. A handler registered from a coroutine runs as a new coroutine of that coroutine's scheduler (Swoole
 * runs signal callbacks in the event loop); one registered elsewhere runs on the JDK's thread for that signal.
 */
final class Sig {
    static final int SIGHUP = 1;
    static final int SIGINT = 2;
    static final int SIGKILL = 9;
    static final int SIGTERM = 15;
    static final int SIGALRM = 14;

    private static final String[] NAMES = {null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL",
        "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    private static final Map<Integer, String> REFUSED = Map.of(
            3, "HotSpot prints thread dumps on it",
            4, "HotSpot uses it internally", 7, "HotSpot uses it internally",
            8, "HotSpot uses it internally", 11, "HotSpot uses it for implicit null checks and safepoints",
            9, "the kernel lets no process catch it", 19, "the kernel lets no process catch it");
    /** The handlers the JVM had before ours, to restore on {@code signal(sig, null)}. */
    private static final Map<Integer, sun.misc.SignalHandler> PREVIOUS = new ConcurrentHashMap<>();
    private static final Set<Integer> OURS = ConcurrentHashMap.newKeySet();

    private Sig() {
    }

    /** {@code "TERM"} for 15; null for a number Linux has no name for (real-time signals have none here). */
    static String name(int sig) {
        return sig > 0 && sig < NAMES.length ? NAMES[sig] : null;
    }

    /**
     * Installs {@code handler} for {@code sig}, replacing an earlier one of ours; null restores what the JVM had.
     *
     * @throws IllegalArgumentException for a signal the JVM cannot take, naming the reason, and for SIGTERM, SIGINT
     *         and SIGUSR1 while the server module handles them (a running server's shutdown and reload)
     */
    static void handle(int sig, IntConsumer handler) {
        String name = name(sig);
        if (name == null) {
            throw new IllegalArgumentException("no signal " + sig + " on Linux that a JVM can handle (1 to 31)");
        }
        String refused = REFUSED.get(sig);
        if (refused != null) {
            throw new IllegalArgumentException("SIG" + name + " cannot be handled in a JVM: " + refused);
        }
        sun.misc.Signal signal = new sun.misc.Signal(name);
        if (handler == null) {
            sun.misc.SignalHandler prev = PREVIOUS.remove(sig);
            if (OURS.remove(sig)) {
                sun.misc.Signal.handle(signal, prev != null ? prev : sun.misc.SignalHandler.SIG_DFL);
            }
            return;
        }
        Scheduler scheduler = Scheduler.currentOrNull();
        sun.misc.SignalHandler ours = s -> {
            if (scheduler != null) {
                try {
                    scheduler.go(() -> run(handler, sig));
                    return;
                } catch (RuntimeException e) {
                    // the scheduler is closed or full: run it here rather than lose the signal
                }
            }
            run(handler, sig);
        };
        sun.misc.SignalHandler prev;
        try {
            prev = sun.misc.Signal.handle(signal, ours);
            if (prev == sun.misc.SignalHandler.SIG_IGN && Libc.defaultAction(sig)) {
                // inherited as ignored (nohup ignores SIGHUP for its whole tree): HotSpot installs no handler over
                // an ignored SIGHUP, SIGINT or SIGTERM and says SIG_IGN; asking for a handler means taking it
                sun.misc.Signal.handle(signal, ours); // prev stays SIG_IGN: removing ours ignores it again
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SIG" + name + " cannot be handled in this JVM: " + e.getMessage(), e);
        }
        if (prev != null && prev.getClass().getName().startsWith("io.jswoole.server.")) {
            sun.misc.Signal.handle(signal, prev); // Swoole: a server's SIGTERM (shutdown) cannot be taken over
            throw new IllegalArgumentException("SIG" + name + " belongs to the running server here (shutdown or "
                    + "reload); use the server's events instead");
        }
        if (OURS.add(sig)) {
            PREVIOUS.put(sig, prev != null ? prev : sun.misc.SignalHandler.SIG_DFL);
        }
    }

    private static void run(IntConsumer handler, int sig) {
        try {
            handler.accept(sig);
        } catch (RuntimeException | Error e) {
            Log.warning("signal handler for SIG" + name(sig) + " threw: " + e);
        }
    }
}
