package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SelectableChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code Swoole\Coroutine\System}, named {@code CoSystem} so that it does not hide {@link java.lang.System}.
 * <p>File reads and writes, {@code statvfs} and DNS resolution block in native code, which would pin the carrier
 * and stall every coroutine of the scheduler. Like Swoole's AIO threads, they run here on small fixed pools of
 * platform threads ({@code jswoole-aio}, 4 or the core count; {@code jswoole-dns}, up to 64, so that a hanging resolver
 * cannot hold up file I/O) while only the calling coroutine parks; {@link #exec} waits for its
 * command on a virtual thread of the JDK's scheduler instead, so any number can run at once. Each call can be
 * {@linkplain Coroutine#cancel canceled}, and such a wait never counts as a deadlock. Outside a coroutine the call
 * simply runs on (or blocks) the caller.
 * <p>Errors: I/O errors are thrown as {@link IOException}s; a cancel or timeout as a {@link SwooleException} with
 * {@link ErrorCode#CO_CANCELED} or {@link ErrorCode#CO_TIMEDOUT}.
 */
public final class CoSystem {
    /** Swoole's {@code AF_INET}. */
    public static final int AF_INET = 2;
    /** Swoole's {@code AF_INET6}. */
    public static final int AF_INET6 = 10;

    /** {@code FILE_APPEND} (PHP's 8): {@link #writeFile(String, byte[], int)} appends. */
    public static final int FILE_APPEND = 8;
    /** {@code LOCK_SH} (PHP's 1): {@link #readFile(String, int)} holds a shared lock on the file while it reads. */
    public static final int LOCK_SH = 1;
    /** {@code LOCK_EX} (PHP's 2): {@link #writeFile(String, byte[], int)} holds an exclusive lock while it writes. */
    public static final int LOCK_EX = 2;
    /** {@link #waitEvent}'s events: {@code SWOOLE_EVENT_READ}, {@code SWOOLE_EVENT_WRITE} (as {@code Event}'s). */
    public static final int EVENT_READ = EventWait.READ;
    public static final int EVENT_WRITE = EventWait.WRITE;

    /** What {@link #waitPid} returns: Swoole's {@code ['pid', 'code', 'signal']}. */
    public record WaitResult(long pid, int code, int signal) {
    }

    /** {@link #exec}'s default output cap: 16 MiB (past it the command is killed and the output truncated). */
    public static final int EXEC_MAX_OUTPUT = 16 * 1024 * 1024;

    /**
     * What {@link #exec} returns: Swoole's {@code ['code', 'signal', 'output']}, and whether the command was killed
     * for its time limit ({@code timedOut}) or for printing past the cap ({@code truncated}).
     */
    public record ExecResult(int code, int signal, String output, boolean timedOut, boolean truncated) {
        public ExecResult(int code, int signal, String output) {
            this(code, signal, output, false, false);
        }
    }

    /** Swoole's AIO threads: file reads and writes, {@code statvfs}. Fixed, so what waits is queued coroutines. */
    private static final int AIO_THREADS = Math.max(4, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(AIO_THREADS,
            Thread.ofPlatform().daemon().name("jswoole-aio-", 1).factory());
    /**
     * Name lookups get threads of their own: a resolver that hangs holds its thread until it answers, and must not
     * hold up file I/O; a lookup that times out returns at once, leaving its thread to the resolver.
     */
    /** Lookups at once; a resolver that hangs holds one thread each until it answers. */
    public static final int DNS_THREADS = 64;
    private static final ExecutorService DNS = dnsPool();

    /** Up to {@link #DNS_THREADS} threads, made when needed and ended after 30 s idle; lookups beyond them queue. */
    private static ExecutorService dnsPool() {
        var pool = new java.util.concurrent.ThreadPoolExecutor(DNS_THREADS, DNS_THREADS, 30,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>(),
                Thread.ofPlatform().daemon().name("jswoole-dns-", 1).factory());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private CoSystem() {
    }

    /**
     * Runs {@code task} on the blocking pool and parks the calling coroutine until it is done, or up to
     * {@code timeout} seconds (negative: no limit); on timeout or cancel the task is interrupted.
     */
    public static <T> T blocking(Callable<T> task, double timeout) throws Exception {
        return blocking(POOL, task, timeout);
    }

    /** The number of threads file I/O runs on ({@code jswoole-aio-N}). */
    public static int aioThreads() {
        return AIO_THREADS;
    }

    private static <T> T blocking(ExecutorService pool, Callable<T> task, double timeout) throws Exception {
        Coroutine co = Coroutine.currentOrNull();
        if (co == null) {
            return task.call();
        }
        Waiter w = new Waiter(co);
        Object[] box = new Object[2];
        Future<?> f = pool.submit(() -> {
            try {
                box[0] = task.call();
            } catch (Throwable t) {
                box[1] = t;
            }
            w.wake(Waiter.OK);
        });
        int r = Waiter.await(w, Channel.nanos(timeout));
        // As in Swoole, a blocking call always lets the others run: a task that finished before this coroutine
        // parked would otherwise go on without yielding, ahead of a parent waiting for its first wait
        Thread.yield();
        if (r != Waiter.OK) {
            f.cancel(true);
            throw r == Waiter.CANCELED ? new SwooleException(ErrorCode.CO_CANCELED, "canceled")
                    : new SwooleException(ErrorCode.CO_TIMEDOUT, "timed out after " + timeout + " s");
        }
        if (box[1] instanceof Exception e) {
            throw e;
        }
        if (box[1] instanceof Error e) {
            throw e;
        }
        @SuppressWarnings("unchecked")
        T result = (T) box[0];
        return result;
    }

    private static <T> T io(Callable<T> task, double timeout) throws IOException {
        try {
            return blocking(task, timeout);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static <T> T dns(Callable<T> task, double timeout) throws IOException {
        try {
            return blocking(DNS, task, timeout);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** Sleeps {@code seconds}; see {@link Coroutine#sleep}. */
    public static boolean sleep(double seconds) {
        return Coroutine.sleep(seconds);
    }

    /** {@code readFile}: the whole file. */
    public static byte[] readFile(String path) throws IOException {
        return readFile(path, 0);
    }

    /**
     * {@code readFile(file, flags)}: the whole file, read on an AIO thread while only the calling coroutine parks;
     * {@link #LOCK_SH} holds a shared lock on it while reading.
     */
    public static byte[] readFile(String path, int flags) throws IOException {
        checkFlags(flags, LOCK_SH);
        return io(() -> {
            if ((flags & LOCK_SH) == 0) {
                return Files.readAllBytes(Path.of(path));
            }
            try (FileChannel ch = FileChannel.open(Path.of(path), StandardOpenOption.READ);
                    FileLock ignored = ch.lock(0, Long.MAX_VALUE, true)) {
                long size = ch.size();
                if (size > Integer.MAX_VALUE - 8) {
                    throw new IOException(path + " is too large to read whole (" + size + " bytes)");
                }
                ByteBuffer buf = ByteBuffer.allocate((int) size);
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // until the end
                }
                return java.util.Arrays.copyOf(buf.array(), buf.position());
            }
        }, -1);
    }

    /** {@code writeFile}: replaces the file's content; returns the bytes written. */
    public static int writeFile(String path, byte[] data) throws IOException {
        return writeFile(path, data, 0);
    }

    /** {@code writeFile} with {@code FILE_APPEND} when {@code append}; returns the bytes written. */
    public static int writeFile(String path, byte[] data, boolean append) throws IOException {
        return writeFile(path, data, append ? FILE_APPEND : 0);
    }

    /**
     * {@code writeFile(file, data, flags)}: creates or replaces the file ({@link #FILE_APPEND}: appends), on an AIO
     * thread while only the calling coroutine parks; {@link #LOCK_EX} holds an exclusive lock while writing.
     * Returns the bytes written.
     */
    public static int writeFile(String path, byte[] data, int flags) throws IOException {
        checkFlags(flags, FILE_APPEND | LOCK_EX);
        return io(() -> {
            var opts = (flags & FILE_APPEND) != 0
                    ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND}
                    : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING};
            try (FileChannel ch = FileChannel.open(Path.of(path), opts);
                    FileLock ignored = (flags & LOCK_EX) != 0 ? ch.lock() : null) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            return data.length;
        }, -1);
    }

    private static void checkFlags(int flags, int allowed) {
        if ((flags & ~allowed) != 0) {
            throw new IllegalArgumentException("unsupported flags " + (flags & ~allowed) + " (allowed: "
                    + (allowed == LOCK_SH ? "LOCK_SH" : "FILE_APPEND, LOCK_EX") + ")");
        }
    }

    /**
     * {@code statvfs(path)}: the file system's figures with Swoole's keys ({@code bsize, frsize, blocks, bfree,
     * bavail, files, ffree, favail, fsid, flag, namemax}), from {@code statvfs(3)} on an AIO thread.
     */
    public static Map<String, Long> statvfs(String path) throws IOException {
        return io(() -> Statvfs.of(path), -1);
    }

    /**
     * {@code waitPid(pid, timeout)}: waits for process {@code pid} to exit, parking only the calling coroutine;
     * null after {@code timeout} seconds (negative: no limit) or when there is no such process. The exit code is
     * known for children this JVM started through {@code io.jswoole.process.Process} or {@link #track}ed; for any
     * other process it reads -1. Never a {@code waitpid}: the JDK reaps its own children.
     */
    public static WaitResult waitPid(long pid, double timeout) {
        return PidWait.waitPid(pid, timeout);
    }

    /** {@code waitPid} for a child started with {@code ProcessBuilder}: its code, or its signal N (status 128+N). */
    public static WaitResult waitPid(java.lang.Process child, double timeout) {
        return PidWait.waitPid(child, timeout);
    }

    /** Makes {@link #waitPid(long, double)} report the exit code of {@code child} (started by this JVM). */
    public static java.lang.Process track(java.lang.Process child) {
        PidWait.track(child);
        return child;
    }

    /**
     * {@code waitSignal(signals, timeout)}: parks the calling coroutine until one of {@code signals} arrives and
     * returns its number, or -1 after {@code timeout} seconds (negative: no limit). While it waits, the signal is
     * taken from whatever handled it before (put back after). A signal HotSpot keeps (QUIT, ILL, FPE, SEGV, BUS,
     * KILL, STOP) throws {@link IllegalArgumentException}.
     */
    public static int waitSignal(int[] signals, double timeout) {
        return SignalWait.waitSignal(signals, timeout);
    }

    /** {@code waitSignal(signo, timeout)}. */
    public static int waitSignal(int signo, double timeout) {
        return SignalWait.waitSignal(new int[] {signo}, timeout);
    }

    /**
     * {@code waitEvent(socket, events, timeout)}: parks the calling coroutine until {@code channel} is readable
     * ({@link #EVENT_READ}; a server socket: a connection to accept) or writable ({@link #EVENT_WRITE}), and
     * returns the events that are ready, or 0 after {@code timeout} seconds (negative: no limit). A blocking
     * channel is made non-blocking for the wait and blocking again after it.
     */
    public static int waitEvent(SelectableChannel channel, int events, double timeout) throws IOException {
        return EventWait.waitEvent(channel, events, timeout);
    }

    /**
     * {@code exec}: runs {@code command} with {@code /bin/sh -c} and returns its exit code and output (standard
     * output, plus standard error when {@code withErrorStream}; otherwise standard error is this JVM's, as in
     * Swoole). A process killed by signal N reports {@code signal} N and {@code code} -1. No time limit, and an
     * output cap of {@link #EXEC_MAX_OUTPUT} bytes.
     */
    public static ExecResult exec(String command, boolean withErrorStream) throws IOException {
        return exec(command, withErrorStream, -1, EXEC_MAX_OUTPUT);
    }

    /** {@code exec(command)} without standard error. */
    public static ExecResult exec(String command) throws IOException {
        return exec(command, false);
    }

    /**
     * {@code exec} with a time limit and an output cap (Node's {@code timeout} and {@code maxBuffer}; Swoole has
     * neither). The command runs in a process group of its own; when it takes longer than {@code timeout}
     * seconds (negative: no limit) or prints more than {@code maxBytes}, the whole group is killed with SIGKILL and
     * the result says so ({@link ExecResult#timedOut}, {@link ExecResult#truncated}) with the output read until
     * then (at most {@code maxBytes}). A {@linkplain Coroutine#cancel canceled} coroutine kills the group too, then
     * gets a {@link SwooleException} with {@link ErrorCode#CO_CANCELED}. Parks only the calling coroutine (outside
     * one, blocks the caller); any number may run at once.
     */
    public static ExecResult exec(String command, boolean withErrorStream, double timeout, int maxBytes)
            throws IOException {
        return Exec.run(command, withErrorStream, timeout, maxBytes);
    }

    /**
     * {@code gethostbyname}: the first address of {@code domain} in {@code family} ({@link #AF_INET} or
     * {@link #AF_INET6}), or {@code null} when it does not resolve within {@code timeout} seconds.
     */
    public static String gethostbyname(String domain, int family, double timeout) {
        List<String> all = resolve(domain, family, timeout);
        return all.isEmpty() ? null : all.get(0);
    }

    /** {@code gethostbyname(domain)} for IPv4 without a time limit. */
    public static String gethostbyname(String domain) {
        return gethostbyname(domain, AF_INET, -1);
    }

    /** {@code dnsLookup}: as {@link #gethostbyname(String, int, double)} for IPv4. */
    public static String dnsLookup(String domain, double timeout) {
        return gethostbyname(domain, AF_INET, timeout);
    }

    /** {@code getaddrinfo}: every address of {@code domain} in {@code family}; empty when it does not resolve. */
    public static List<String> getaddrinfo(String domain, int family) {
        return resolve(domain, family, -1);
    }

    /**
     * {@code getaddrinfo(domain, family, ..., timeout)}: every address, or empty when it does not resolve within
     * {@code timeout} seconds; the call returns at the timeout even when the resolver hangs.
     */
    public static List<String> getaddrinfo(String domain, int family, double timeout) {
        return resolve(domain, family, timeout);
    }

    private static List<String> resolve(String domain, int family, double timeout) {
        if (family != AF_INET && family != AF_INET6) {
            throw new IllegalArgumentException("unknown family " + family + " (AF_INET 2 or AF_INET6 10)");
        }
        try {
            return dns(() -> {
                List<String> out = new ArrayList<>();
                try {
                    for (InetAddress a : InetAddress.getAllByName(domain)) {
                        if (family == AF_INET6 ? a instanceof Inet6Address : a instanceof Inet4Address) {
                            out.add(a.getHostAddress());
                        }
                    }
                } catch (UnknownHostException e) {
                    // no such name: empty
                }
                return out;
            }, timeout);
        } catch (SwooleException e) {
            if (e.error() == ErrorCode.CO_CANCELED) {
                throw e;
            }
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
