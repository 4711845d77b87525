package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import io.jswoole.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link CoSystem#exec}: one command under {@code /bin/sh -c}, in a process group of its own, with a time limit
 * and an output cap.
 * <p>The command starts through {@code setsid} (util-linux), which makes the shell the leader of a new session and
 * process group without forking (a child of the JVM never leads a group), so the shell's pid is the group id and
 * {@code kill(-pgid)} reaches everything it started that did not leave the group on purpose. Without
 * {@code setsid}, the kill goes to the shell and its descendants as the JDK sees them.
 * <p>The start, the output and the exit are waited for on a virtual thread of the JDK's own scheduler (its
 * blocking pipe read takes a compensating carrier there, never the caller's), while the calling coroutine parks
 * on one {@link Waiter}. A timeout, an output past the cap, or a {@linkplain Coroutine#cancel cancel} kills the
 * group with SIGKILL.
 */
final class Exec {
    private static final String SETSID = Files.isExecutable(Path.of("/usr/bin/setsid")) ? "/usr/bin/setsid"
            : Files.isExecutable(Path.of("/bin/setsid")) ? "/bin/setsid" : null;
    private static final int SIGKILL = 9;
    /** How long a killed command's output may take to reach its end (a grandchild that left the group can hold it). */
    private static final long DRAIN_MILLIS = 1000;
    private static volatile MethodHandle kill;
    /**
     * Starts the virtual threads that wait for commands: a virtual thread started in a coroutine would inherit the
     * coroutine's one-carrier scheduler, where a blocking pipe read stalls every coroutine of it.
     */
    private static final java.util.concurrent.Executor STARTER = java.util.concurrent.Executors
            .newSingleThreadExecutor(Thread.ofPlatform().daemon().name("jswoole-exec-starter").factory());

    private final Waiter waiter;
    /** Output read and the process's exit: the waiter is woken when both are done. */
    private final AtomicInteger pending = new AtomicInteger(2);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final int maxBytes;
    private volatile java.lang.Process process;
    private volatile Throwable failure;
    private volatile boolean truncated;

    private Exec(Coroutine co, int maxBytes) {
        this.waiter = new Waiter(co);
        this.maxBytes = maxBytes;
    }

    static CoSystem.ExecResult run(String command, boolean withErrorStream, double timeout, int maxBytes)
            throws IOException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the output cap must be 0 or more bytes, got " + maxBytes);
        }
        Exec e = new Exec(Coroutine.currentOrNull(), maxBytes);
        STARTER.execute(() -> Thread.ofVirtual().name("jswoole-exec").start(() -> e.runCommand(command,
                withErrorStream)));
        int r = Waiter.await(e.waiter, Channel.nanos(timeout));
        Thread.yield(); // as every blocking call of CoSystem: the others run first
        if (r == Waiter.CANCELED) {
            e.killGroup();
            throw new SwooleException(ErrorCode.CO_CANCELED, "canceled (the command's process group was killed)");
        }
        boolean timedOut = r == Waiter.TIMEOUT;
        if (timedOut) {
            e.killGroup();
        }
        if (e.failure instanceof IOException io) {
            throw io;
        }
        if (e.failure != null) {
            throw new IOException("exec of '" + command + "' failed: " + e.failure, e.failure);
        }
        java.lang.Process p = e.process;
        int status = -1;
        try {
            // after a kill: the exit is immediate; the output gets DRAIN_MILLIS (then what was read is returned)
            status = p != null && p.waitFor(DRAIN_MILLIS, TimeUnit.MILLISECONDS) ? p.exitValue() : -1;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        byte[] got;
        synchronized (e.out) {
            got = e.out.toByteArray();
        }
        String output = new String(got);
        return status > 128 ? new CoSystem.ExecResult(-1, status - 128, output, timedOut, e.truncated)
                : new CoSystem.ExecResult(status, 0, output, timedOut, e.truncated);
    }

    private void runCommand(String command, boolean withErrorStream) {
        java.lang.Process p;
        try {
            List<String> cmd = new ArrayList<>();
            if (SETSID != null) {
                cmd.add(SETSID);
            }
            cmd.addAll(List.of("/bin/sh", "-c", command));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(
                    new java.io.File("/dev/null")));
            if (withErrorStream) {
                pb.redirectErrorStream(true);
            } else {
                pb.redirectError(ProcessBuilder.Redirect.INHERIT); // as Swoole's: the caller's standard error
            }
            p = pb.start();
        } catch (Throwable t) {
            failure = t;
            waiter.wake(Waiter.OK);
            return;
        }
        process = p;
        if (waiter.state != Waiter.WAITING) {
            killGroup(); // canceled or timed out while it started
        }
        p.onExit().thenRun(this::oneDone);
        try (InputStream in = p.getInputStream()) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (out) {
                    int room = maxBytes - out.size();
                    out.write(buf, 0, Math.min(n, Math.max(room, 0)));
                    if (n > room) {
                        truncated = true;
                    }
                }
                if (truncated) {
                    killGroup();
                    break;
                }
            }
        } catch (IOException e) {
            // the stream closed under the read: what was read stands
        }
        oneDone();
    }

    private void oneDone() {
        if (pending.decrementAndGet() == 0) {
            waiter.wake(Waiter.OK);
        }
    }

    /** SIGKILL to the command's process group (or, without setsid, to the shell and its descendants). */
    void killGroup() {
        java.lang.Process p = process;
        if (p == null) {
            return;
        }
        if (SETSID != null && killNative(-p.pid())) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static boolean killNative(long pgid) {
        try {
            MethodHandle h = kill;
            if (h == null) {
                Linker linker = Linker.nativeLinker();
                h = linker.downcallHandle(linker.defaultLookup().find("kill").orElseThrow(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
                kill = h;
            }
            return (int) h.invokeExact((int) pgid, SIGKILL) == 0;
        } catch (Throwable t) {
            Log.debug("kill(" + pgid + ") through FFM failed, killing the descendants instead: " + t);
            return false;
        }
    }
}
