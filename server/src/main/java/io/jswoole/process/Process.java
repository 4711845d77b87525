package io.jswoole.process;

import io.jswoole.server.spi.ServerProcess;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * {@code Swoole\Process}: a child process with a pipe to its parent.
 * <p>A JVM cannot fork, so a closure cannot be carried into the child. The child is a new JVM, started as PROCESS
 * mode's worker JVMs are (the same java, flags and class path, a class-data archive), that calls an <em>entry
 * point</em>: a {@code public static void method(Process self)} of a class, given as class and method name or by a
 * name {@linkplain #register registered} for it. Only what that method builds exists in the child; nothing of the
 * parent's heap is shared (use {@code Table}/{@code Atomic} or the pipe).
 * <pre>{@code
 * public static void child(Process self) throws IOException {
 *     self.write("hello from " + ProcessHandle.current().pid());
 * }
 * var p = new Process(Main.class, "child");
 * p.start();
 * String line = new String(p.read());
 * Process.wait(true);       // pid, code, signal
 * }</pre>
 * <p>The pipe is a Unix-domain socket both ways ({@link #PIPE_TYPE_STREAM} bytes, or {@link #PIPE_TYPE_DGRAM}
 * messages, Swoole's default); its reads park only the calling coroutine. With {@code redirectStdio} the child's
 * {@code System.out} writes to the pipe and {@code System.in} reads from it, so what the child prints reaches the
 * parent's {@link #read} (the pipe is then a stream, as in Swoole).
 * <p>A process for {@code Server.addProcess} may be a closure instead ({@link #Process(Consumer)}): the server
 * starts its JVM by running the application's main again, which builds the same server and adds the same closure.
 * <p>The static methods ({@link #kill}, {@link #signal}, {@link #wait(boolean)}, {@link #alarm},
 * {@link #setAffinity}, {@link #setPriority}) work in any JVM, parent or child.
 */
public final class Process implements ServerProcess {
    /** No pipe. */
    public static final int PIPE_TYPE_NONE = 0;
    /** A byte stream ({@code SOCK_STREAM}). */
    public static final int PIPE_TYPE_STREAM = 1;
    /** Messages ({@code SOCK_DGRAM}): one {@code write}, one {@code read}. */
    public static final int PIPE_TYPE_DGRAM = 2;
    /** {@link #close(int)}: the read side. */
    public static final int PIPE_READ = 3;
    /** {@link #close(int)}: the write side. */
    public static final int PIPE_WRITE = 4;
    public static final int PRIO_PROCESS = 0;
    public static final int PRIO_PGRP = 1;
    public static final int PRIO_USER = 2;
    /** {@link #alarm}: wall-clock time, SIGALRM. */
    public static final int ITIMER_REAL = 0;
    /** {@link #alarm}: CPU time in user mode, SIGVTALRM. */
    public static final int ITIMER_VIRTUAL = 1;
    /** {@link #alarm}: CPU time, SIGPROF. */
    public static final int ITIMER_PROF = 2;

    /** What {@link #wait(boolean)} returns: Swoole's {@code ['pid', 'code', 'signal']}. */
    public record Exit(long pid, int code, int signal) {
    }

    /** An entry point: {@code owner.method(Process)}, public and static. */
    record Entry(Class<?> owner, String method) {
        Entry {
            Method m;
            try {
                m = owner.getMethod(method, Process.class);
            } catch (NoSuchMethodException e) {
                throw new IllegalArgumentException("the entry point " + owner.getName() + "." + method
                        + "(Process) does not exist or is not public", e);
            }
            if (!Modifier.isStatic(m.getModifiers())) {
                throw new IllegalArgumentException("the entry point " + owner.getName() + "." + method
                        + " must be static: the child JVM has no instance to call it on");
            }
        }
    }

    private static final Map<String, Entry> REGISTERED = new ConcurrentHashMap<>();

    private final Entry entry;
    /** The body of a process made for {@code Server.addProcess}, else null. */
    private final Consumer<Process> body;
    private final boolean redirect;
    private final int pipeType;
    private final boolean inChild;
    private volatile String title;
    private volatile long pid = -1;
    private volatile Pipe pipe;
    private volatile java.lang.Process child;
    /** Added to a server ({@code addProcess}): the pipe between its workers and the process; else null. */
    private volatile ServerPipe serverPipe;

    /**
     * A user process for {@code Server.addProcess} (Swoole's {@code new Process(function ($process) {...})} given
     * to {@code $server->addProcess}): {@code body} runs in a JVM the server starts and supervises, and may call the
     * server's {@code send}, {@code close}, {@code getClientList}, {@code getClientInfo}, {@code stats} and
     * {@code sendMessage}. Its pipe, as in Swoole, carries what workers {@link #write} to it to the process's
     * {@link #read}. It cannot be {@linkplain #start started} on its own: a closure cannot be carried into a new JVM,
     * but the server's main builds it again there.
     */
    public Process(Consumer<Process> body) {
        this.entry = null;
        this.body = java.util.Objects.requireNonNull(body, "body");
        this.redirect = false;
        this.pipeType = PIPE_TYPE_NONE;
        this.inChild = false;
        this.title = "jswoole: user process";
    }

    /** A child that runs {@code owner.method(Process)}, with a datagram pipe and no redirection. */
    public Process(Class<?> owner, String method) {
        this(owner, method, false, PIPE_TYPE_DGRAM);
    }

    /**
     * A child that runs {@code owner.method(Process)}.
     *
     * @param redirectStdio the child's {@code System.in}/{@code System.out} are the pipe (which is then a stream)
     * @param pipeType      {@link #PIPE_TYPE_NONE}, {@link #PIPE_TYPE_STREAM} or {@link #PIPE_TYPE_DGRAM}
     * @throws IllegalArgumentException when the method is not a public static method taking a Process
     */
    public Process(Class<?> owner, String method, boolean redirectStdio, int pipeType) {
        this(new Entry(owner, method), redirectStdio, pipeType, false);
    }

    /** A child that runs the entry point {@linkplain #register registered} as {@code name}. */
    public Process(String name, boolean redirectStdio, int pipeType) {
        this(registered(name), redirectStdio, pipeType, false);
    }

    private Process(Entry entry, boolean redirect, int pipeType, boolean inChild) {
        if (pipeType < PIPE_TYPE_NONE || pipeType > PIPE_TYPE_DGRAM) {
            throw new IllegalArgumentException("pipe type must be 0 (none), 1 (stream) or 2 (dgram), got " + pipeType);
        }
        if (redirect && pipeType == PIPE_TYPE_NONE) {
            throw new IllegalArgumentException("redirect_stdin_stdout needs a pipe (pipe type 1 or 2)");
        }
        this.entry = entry;
        this.body = null;
        this.redirect = redirect;
        this.pipeType = redirect ? PIPE_TYPE_STREAM : pipeType;
        this.inChild = inChild;
        this.title = "jswoole: process " + entry.owner().getSimpleName() + "." + entry.method();
    }

    /**
     * A pool worker as seen from the pool's parent ({@code handle} and {@code pipe} set: {@link #write} is a Message
     * to it) or from the worker itself (both null: its pid only).
     */
    private Process(java.lang.Process handle, Pipe pipe) {
        this.entry = null;
        this.body = null;
        this.redirect = false;
        this.pipeType = pipe == null ? PIPE_TYPE_NONE : PIPE_TYPE_DGRAM;
        this.inChild = handle == null;
        this.child = handle;
        this.pipe = pipe;
        this.pid = handle == null ? ProcessHandle.current().pid() : handle.pid();
        this.title = null;
    }

    static Process poolWorker(java.lang.Process handle, Pipe pipe) {
        return new Process(handle, pipe);
    }

    /** The child's own Process object ({@link ChildMain}). */
    static Process inChild(Entry entry, boolean redirect, int pipeType, Pipe pipe) {
        Process p = new Process(entry, redirect, pipeType, true);
        p.pipe = pipe;
        p.pid = ProcessHandle.current().pid();
        return p;
    }

    /** Names an entry point, so that {@code new Process(name, ...)} can start it. */
    public static void register(String name, Class<?> owner, String method) {
        REGISTERED.put(name, new Entry(owner, method));
    }

    private static Entry registered(String name) {
        Entry e = REGISTERED.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no entry point registered as '" + name + "' (Process.register)");
        }
        return e;
    }

    /**
     * Starts the child JVM and, with a pipe, waits until the child has connected it (a JVM's start: about 0.1 to
     * 0.5 s); returns the child's pid. Its exit is reported by {@link #wait(boolean)}.
     */
    public long start() throws IOException {
        if (body != null) {
            throw new IllegalStateException("a process made from a closure runs only as a server's user process "
                    + "(Server.addProcess); start one alone from an entry point: new Process(Owner.class, \"method\")");
        }
        if (inChild || entry == null) {
            throw new IllegalStateException(entry == null ? "a pool's workers are started by the pool"
                    : "start() is for the parent; this is the child's own process");
        }
        synchronized (this) {
            if (child != null) {
                throw new IllegalStateException("process " + pid + " was started already");
            }
            Launcher.Started s = Launcher.launch(title, -1, entry.owner().getClassLoader(), pipeType, List.of(
                    ChildMain.MODE_PROCESS, entry.owner().getName(), entry.method(), Integer.toString(pipeType),
                    Boolean.toString(redirect)));
            child = s.process();
            pipe = s.pipe();
            pid = s.process().pid();
            Exits.watch(s.process());
            io.jswoole.coroutine.CoSystem.track(s.process()); // waitPid(pid) reports its code
            return pid;
        }
    }

    /** {@link ServerProcess}: the name in {@code ps} of the JVM a server starts for this process. */
    @Override
    public String title() {
        return title;
    }

    /**
     * {@link ServerProcess}: in the JVM a server started for this user process, runs its body (or its entry point)
     * with this JVM's own Process object (its pid; no pipe).
     */
    @Override
    public void runInServer() throws Exception {
        if (body == null && entry == null) {
            throw new IllegalStateException("a pool worker is not a server's user process");
        }
        Process self = poolWorker(null, null); // this JVM's own: its pid; it reads what workers write
        self.serverPipe = serverPipe;
        if (body != null) {
            body.accept(self);
            return;
        }
        try {
            ChildMain.call(entry, self);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The child's pid (in the child: its own); -1 before {@link #start}. */
    public long pid() {
        return pid;
    }

    /** The JDK's handle of the child (parent side; null before {@link #start} and in the child). */
    public java.lang.Process handle() {
        return child;
    }

    /**
     * Writes {@code data} to the other side (one message on a datagram pipe); returns the bytes written. For a
     * process added to a server: from a worker or task worker (any mode, any JVM), one message to the process's
     * {@link #read}; what is written while the process starts or is replaced waits for it. 0 when it cannot arrive
     * (the server is not serving, or too many writes wait), as far as this JVM knows: a worker JVM's write is on its
     * way to the master.
     */
    public int write(byte[] data) throws IOException {
        ServerPipe sp = serverPipe;
        if (pipe == null && sp != null) {
            if (sp.isProcessSide()) {
                throw new IllegalStateException("a user process reads its pipe; it reaches the workers with the "
                        + "server's sendMessage and the clients with send");
            }
            if (data.length > Pipe.MAX_MESSAGE) {
                throw new IllegalArgumentException("a pipe message is at most " + Pipe.MAX_MESSAGE + " bytes, got "
                        + data.length);
            }
            return sp.write(data) ? data.length : 0;
        }
        Pipe p = pipe();
        if (p.datagram() && data.length > Pipe.MAX_MESSAGE) {
            throw new IllegalArgumentException("a pipe message is at most " + Pipe.MAX_MESSAGE + " bytes, got "
                    + data.length);
        }
        return p.write(data, 0, data.length);
    }

    /** Writes {@code data} as UTF-8. */
    public int write(String data) throws IOException {
        return write(data.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #read(int)} of 8192 bytes. */
    public byte[] read() throws IOException {
        return read(8192);
    }

    /**
     * Up to {@code size} bytes from the other side: on a stream pipe what has arrived, on a datagram pipe the next
     * message (cut at {@code size}). Parks only the calling coroutine. Null once the other side has closed it.
     */
    public byte[] read(int size) throws IOException {
        ServerPipe sp = serverPipe;
        if (pipe == null && sp != null) {
            if (!sp.isProcessSide()) {
                throw new IllegalStateException("workers write to a user process's pipe; what the process sends "
                        + "them arrives in onPipeMessage");
            }
            return sp.read(size);
        }
        return pipe().read(size);
    }

    /** {@link ServerProcess}: the server added it as user process {@code index}. */
    @Override
    public void added(int index, java.util.function.Predicate<byte[]> writer, boolean inProcess) {
        if (body == null && entry == null) {
            throw new IllegalStateException("a pool worker is not a server's user process");
        }
        serverPipe = new ServerPipe(index, writer, inProcess); // before the link exists: nothing is missed
    }

    /** {@link ServerProcess}: in the process's JVM, what a worker wrote. */
    @Override
    public void piped(byte[] data) {
        ServerPipe sp = serverPipe;
        if (sp != null) {
            sp.arrived(data);
        }
    }

    /** Closes the pipe: {@link #PIPE_READ}, {@link #PIPE_WRITE}, or 0 for both. */
    public void close(int which) throws IOException {
        pipe().close(which);
    }

    /**
     * {@code exportSocket}: the pipe's channel, for code that wants the socket itself (a blocking channel; on a
     * datagram pipe each message is framed by a 4-byte big-endian length).
     */
    public SocketChannel exportSocket() {
        return pipe().channel();
    }

    private Pipe pipe() {
        Pipe p = pipe;
        if (p == null) {
            throw new IllegalStateException(entry == null ? "a pool worker talks through Pool.sendMessage"
                    : pipeType == PIPE_TYPE_NONE ? "this process has no pipe (pipe type 0)"
                    : "the process is not started");
        }
        return p;
    }

    /**
     * {@code name}: before {@link #start}, the child's title in {@code ps} and {@code /proc/PID/cmdline} (its
     * {@code argv[0]}, set by the launcher). A running JVM cannot rewrite its {@code argv}, so in the child this
     * renames the process's {@code comm} instead ({@code /proc/PID/comm}, what {@code ps -o comm}, {@code top} and
     * {@code pkill} match), cut to 15 bytes by the kernel. The kernel lets only a process itself change its
     * {@code comm}: after {@code start()} the parent gets false.
     *
     * @return false when the name could not be set
     */
    public boolean name(String title) {
        if (!inChild && child == null) {
            this.title = title;
            return true;
        }
        return setProcessName(inChild ? ProcessHandle.current().pid() : pid, title);
    }

    /** {@code swoole_set_process_name} for this JVM: its {@code comm} (see {@link #name}). */
    public static boolean setProcessName(String title) {
        return setProcessName(ProcessHandle.current().pid(), title);
    }

    private static boolean setProcessName(long pid, String title) {
        byte[] b = title.getBytes(StandardCharsets.UTF_8);
        try {
            // a thread may rename any thread of its own process; the main thread's comm is the process's
            Files.write(Path.of("/proc/" + pid + "/comm"), java.util.Arrays.copyOf(b, Math.min(b.length, 15)));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * {@code exec}: in the child, runs {@code path} with {@code args} in its place and exits with its status (a
     * program killed by signal N: status 128+N, which {@link #wait} reports as signal N). With
     * {@code redirectStdio} the program's standard input and output are the pipe, so the parent reads what it
     * prints; otherwise it has the child's standard streams. Does not return (unless it cannot start the program).
     */
    public void exec(String path, List<String> args) throws IOException {
        if (!inChild || entry == null) {
            throw new IllegalStateException("exec() replaces the child: call it in the child's entry point");
        }
        ChildMain.exec(this, redirect ? pipe : null, path, args);
    }

    /** {@code exit}: ends the child (or this JVM) with {@code code}, its output flushed. */
    public void exit(int code) {
        System.out.flush();
        System.exit(code);
    }

    /** Whether this object is the child's own (in the child JVM). */
    public boolean isChild() {
        return inChild;
    }

    boolean redirect() {
        return redirect;
    }

    // ---- static process control: any JVM ----

    /**
     * {@code kill}: sends {@code sig} to {@code pid} (any process the user may signal; 0 only checks that it
     * exists). False with {@link #errno()} ESRCH (3) or EPERM (1) on failure.
     */
    public static boolean kill(long pid, int sig) {
        return Libc.kill(pid, sig) == 0;
    }

    /** {@code kill(pid)} with SIGTERM. */
    public static boolean kill(long pid) {
        return kill(pid, Sig.SIGTERM);
    }

    /** The errno of the calling thread's last failed call of this class (0 when it succeeded). */
    public static int errno() {
        return Libc.errno();
    }

    /**
     * {@code signal}: calls {@code handler} with the signal number at each delivery of {@code sig}; null removes it
     * (the JVM's own handling comes back). Every signal the JVM lets through works (HUP, INT, TRAP, ABRT, USR1,
     * USR2, PIPE, ALRM, TERM, CHLD, CONT, TSTP, TTIN, TTOU, URG, XCPU, XFSZ, VTALRM, PROF, WINCH, IO, PWR, SYS);
     * replacing TERM, INT or HUP also replaces the JVM's exit on them (its shutdown hooks then run only when the
     * handler exits). Registered in a coroutine, the handler runs as a coroutine of the same scheduler.
     *
     * @throws IllegalArgumentException for QUIT, ILL, BUS, FPE, SEGV (HotSpot's), KILL, STOP (nobody's), numbers
     *         outside 1-31, and signals a running server of this JVM handles
     */
    public static void signal(int sig, IntConsumer handler) {
        Sig.handle(sig, handler);
    }

    /**
     * {@code wait}: the next exit of a child this API started: pid, exit code and the signal that killed it. With
     * {@code blocking} false, null when none has exited yet; with true, waits (parking only a coroutine), and null
     * when no child is left. Children of other APIs ({@code ProcessBuilder}, a Pool, worker JVMs) are never
     * reaped or reported here: the JDK reaps its own children.
     */
    public static Exit wait(boolean blocking) throws InterruptedException {
        return Exits.take(blocking);
    }

    /**
     * {@code alarm}: SIGALRM (or SIGVTALRM, SIGPROF for the other {@code type}s) every {@code usec}
     * microseconds, first after {@code usec}; 0 or less stops it (setitimer). Handle it with {@link #signal}.
     */
    public static boolean alarm(long usec, int type) {
        if (type < ITIMER_REAL || type > ITIMER_PROF) {
            throw new IllegalArgumentException("alarm type must be 0 (real), 1 (virtual) or 2 (prof), got " + type);
        }
        long v = Math.max(usec, 0);
        return Libc.setitimer(type, v, v) == 0;
    }

    /** {@code alarm(usec)} on the wall clock. */
    public static boolean alarm(long usec) {
        return alarm(usec, ITIMER_REAL);
    }

    /**
     * {@code setAffinity}: binds this process to {@code cpus}. Linux keeps the CPU mask per thread, so every thread
     * of this JVM gets it (threads started later inherit it from their creator).
     */
    public static boolean setAffinity(int[] cpus) {
        return Tasks.forEach(ProcessHandle.current().pid(), tid -> Libc.setAffinity(tid, cpus));
    }

    /** {@code getAffinity}: the CPUs this process's main thread may run on. */
    public static int[] getAffinity() {
        return Libc.getAffinity(ProcessHandle.current().pid());
    }

    /**
     * {@code setPriority}: the nice value of a process ({@link #PRIO_PROCESS}; {@code who} 0 is this one: every
     * thread of it, as Linux keeps nice per thread), a process group or a user. Lowering it needs privilege.
     */
    public static boolean setPriority(int which, int priority, long who) {
        if (which == PRIO_PROCESS) {
            long pid = who == 0 ? ProcessHandle.current().pid() : who;
            return Tasks.forEach(pid, tid -> Libc.setPriority(PRIO_PROCESS, tid, priority));
        }
        return Libc.setPriority(which, who, priority) == 0;
    }

    /** {@code setPriority(which, priority)} for this process. */
    public static boolean setPriority(int which, int priority) {
        return setPriority(which, priority, 0);
    }

    /** {@code getPriority}: the nice value ({@code who} 0: this process's main thread). */
    public static int getPriority(int which, long who) {
        long w = which == PRIO_PROCESS && who == 0 ? ProcessHandle.current().pid() : who;
        int prio = Libc.getPriority(which, w);
        if (prio == -1 && Libc.errno() != 0) {
            throw new IllegalStateException("getpriority(" + which + ", " + who + ") failed: errno " + Libc.errno());
        }
        return prio;
    }

    /** {@code getPriority(which)} for this process. */
    public static int getPriority(int which) {
        return getPriority(which, 0);
    }
}
