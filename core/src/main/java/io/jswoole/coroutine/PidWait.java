package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link CoSystem#waitPid}: the exit of one process, from the JDK's {@code onExit()}, never a {@code waitpid} of
 * ours (the JDK's reaper owns its children's statuses; a {@code waitpid(-1)} would steal them).
 * <p>The JDK keeps an exit status only in the {@link java.lang.Process} that started the child, so children made
 * with {@code ProcessBuilder} are {@linkplain #track tracked} by pid (jswoole's {@code Process} tracks its child
 * JVMs); any other process is waited for through its {@link ProcessHandle}, and reports code -1 (unknown).
 */
final class PidWait {
    private static final Map<Long, java.lang.Process> TRACKED = new ConcurrentHashMap<>();

    private PidWait() {
    }

    static void track(java.lang.Process p) {
        TRACKED.put(p.pid(), p);
        p.onExit().thenRun(() -> {
            // kept a while for a waitPid that comes after the exit; dropped after a minute
            CompletableFuture.delayedExecutor(60, java.util.concurrent.TimeUnit.SECONDS)
                    .execute(() -> TRACKED.remove(p.pid(), p));
        });
    }

    static CoSystem.WaitResult waitPid(long pid, double timeout) {
        java.lang.Process tracked = TRACKED.get(pid);
        if (tracked != null) {
            return waitPid(tracked, timeout);
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty()) {
            return null; // no such process (waitpid's ECHILD)
        }
        CompletableFuture<ProcessHandle> exit = h.get().onExit();
        if (!await(exit, timeout)) {
            return null;
        }
        return new CoSystem.WaitResult(pid, -1, 0);
    }

    static CoSystem.WaitResult waitPid(java.lang.Process p, double timeout) {
        if (!await(p.onExit(), timeout)) {
            return null;
        }
        int status = p.exitValue();
        // the JDK reports a death by signal N as 128+N
        return status > 128 && status < 160 ? new CoSystem.WaitResult(p.pid(), 0, status - 128)
                : new CoSystem.WaitResult(p.pid(), status, 0);
    }

    /** Parks the calling coroutine (or thread) until {@code f} completes: false on timeout. */
    private static boolean await(CompletableFuture<?> f, double timeout) {
        if (f.isDone()) {
            return true;
        }
        Waiter w = new Waiter(Coroutine.currentOrNull());
        f.whenComplete((v, t) -> w.wake(Waiter.OK));
        int r = Waiter.await(w, Channel.nanos(timeout));
        if (r == Waiter.CANCELED) {
            throw new SwooleException(ErrorCode.CO_CANCELED, "canceled");
        }
        return r == Waiter.OK;
    }
}
