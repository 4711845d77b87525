package io.jswoole.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The few libc calls the JDK has no API for ({@code kill(2)} with any signal, {@code setitimer},
 * {@code sched_setaffinity}, {@code setpriority}), made through FFM ({@code java.lang.foreign}): no native library
 * of our own. Without {@code --enable-native-access=ALL-UNNAMED} the JDK prints one warning at the first call.
 * Every call returns the result and leaves {@code errno} readable through {@link #errno()} for the calling thread.
 */
final class Libc {
    static final int EPERM = 1;
    static final int ESRCH = 3;
    static final int EINVAL = 22;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final ThreadLocal<Integer> LAST_ERRNO = ThreadLocal.withInitial(() -> 0);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;

    private static final MethodHandle KILL = handle("kill", FunctionDescriptor.of(INT, INT, INT));
    private static final MethodHandle SETITIMER = handle("setitimer",
            FunctionDescriptor.of(INT, INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    private static final MethodHandle SETAFFINITY = handle("sched_setaffinity",
            FunctionDescriptor.of(INT, INT, LONG, ValueLayout.ADDRESS));
    private static final MethodHandle GETAFFINITY = handle("sched_getaffinity",
            FunctionDescriptor.of(INT, INT, LONG, ValueLayout.ADDRESS));
    private static final MethodHandle SETPRIORITY = handle("setpriority", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final MethodHandle GETPRIORITY = handle("getpriority", FunctionDescriptor.of(INT, INT, INT));
    /** cpu_set_t of glibc: 1024 CPUs. */
    /** {@code signal(sig, handler)}: returns the previous handler (an address; SIG_ERR is -1). */
    private static final MethodHandle SIGNAL = LINKER.downcallHandle(LINKER.defaultLookup().find("signal")
            .orElseThrow(() -> new IllegalStateException("libc has no signal")),
            FunctionDescriptor.of(ValueLayout.ADDRESS, INT, ValueLayout.ADDRESS));
    private static final int CPU_SET_BYTES = 128;

    private Libc() {
    }

    private static MethodHandle handle(String name, FunctionDescriptor fd) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(() ->
                new IllegalStateException("libc has no " + name)), fd, Linker.Option.captureCallState("errno"));
    }

    /** The errno of this thread's last call here (0 when it succeeded). */
    static int errno() {
        return LAST_ERRNO.get();
    }

    private static int call(MethodHandle h, Arena arena, Object... args) {
        MemorySegment state = arena.allocate(CALL_STATE);
        Object[] full = new Object[args.length + 1];
        full[0] = state;
        System.arraycopy(args, 0, full, 1, args.length);
        int rc;
        try {
            rc = (int) h.invokeWithArguments(full);
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed: " + t, t);
        }
        LAST_ERRNO.set(rc == -1 ? (int) ERRNO.get(state, 0L) : 0);
        return rc;
    }

    /** Puts {@code sig} back to its default action ({@code SIG_DFL}); false when libc refuses. */
    static boolean defaultAction(int sig) {
        try {
            return ((MemorySegment) SIGNAL.invokeExact(sig, MemorySegment.NULL)).address() != -1L;
        } catch (Throwable t) {
            throw new IllegalStateException("signal(" + sig + ", SIG_DFL) failed: " + t, t);
        }
    }

    static int kill(long pid, int sig) {
        try (Arena a = Arena.ofConfined()) {
            return call(KILL, a, (int) pid, sig);
        }
    }

    /** {@code setitimer(which, {interval, value})} with both in microseconds. */
    static int setitimer(int which, long intervalUsec, long valueUsec) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(32, 8);
            v.set(LONG, 0, intervalUsec / 1_000_000);
            v.set(LONG, 8, intervalUsec % 1_000_000);
            v.set(LONG, 16, valueUsec / 1_000_000);
            v.set(LONG, 24, valueUsec % 1_000_000);
            return call(SETITIMER, a, which, v, MemorySegment.NULL);
        }
    }

    /** {@code sched_setaffinity(tid, cpus)}: one thread (Linux keeps affinity per thread). */
    static int setAffinity(long tid, int[] cpus) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(CPU_SET_BYTES, 8);
            for (int cpu : cpus) {
                if (cpu < 0 || cpu >= CPU_SET_BYTES * 8) {
                    throw new IllegalArgumentException("no CPU " + cpu + " (0 to " + (CPU_SET_BYTES * 8 - 1) + ")");
                }
                set.set(ValueLayout.JAVA_BYTE, cpu / 8, (byte) (set.get(ValueLayout.JAVA_BYTE, cpu / 8)
                        | (1 << (cpu % 8))));
            }
            return call(SETAFFINITY, a, (int) tid, (long) CPU_SET_BYTES, set);
        }
    }

    /** The CPUs thread {@code tid} may run on, or null on failure (errno). */
    static int[] getAffinity(long tid) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment set = a.allocate(CPU_SET_BYTES, 8);
            if (call(GETAFFINITY, a, (int) tid, (long) CPU_SET_BYTES, set) != 0) {
                return null;
            }
            java.util.List<Integer> out = new java.util.ArrayList<>();
            for (int cpu = 0; cpu < CPU_SET_BYTES * 8; cpu++) {
                if ((set.get(ValueLayout.JAVA_BYTE, cpu / 8) & (1 << (cpu % 8))) != 0) {
                    out.add(cpu);
                }
            }
            return out.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    static int setPriority(int which, long who, int prio) {
        try (Arena a = Arena.ofConfined()) {
            return call(SETPRIORITY, a, which, (int) who, prio);
        }
    }

    /** {@code getpriority}; -1 is also a valid nice value, so check {@link #errno()}. */
    static int getPriority(int which, long who) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment state = a.allocate(CALL_STATE);
            int rc;
            try {
                rc = (int) GETPRIORITY.invokeWithArguments(state, which, (int) who);
            } catch (Throwable t) {
                throw new IllegalStateException("native call failed: " + t, t);
            }
            // only -1 can be an error (errno is not cleared first: a nice of -1, which needs root, can read as one)
            LAST_ERRNO.set(rc == -1 ? (int) ERRNO.get(state, 0L) : 0);
            return rc;
        }
    }
}
