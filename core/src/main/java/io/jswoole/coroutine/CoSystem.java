package io.jswoole.coroutine;

import io.jswoole.ErrorCode;
import io.jswoole.SwooleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code Swoole\Coroutine\System}, named {@code CoSystem} so that it does not hide {@link java.lang.System}.
 * <p>File reads and writes and DNS resolution block in native code, which would pin the carrier and stall every
 * coroutine of the scheduler. Like Swoole's AIO threads, they run here on a small pool of platform threads
 * ({@code jswoole-aio}, 4 or the core count) while only the calling coroutine parks; {@link #exec} waits for its
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

    private static final ExecutorService POOL = Executors.newFixedThreadPool(
            Math.max(4, Runtime.getRuntime().availableProcessors()),
            Thread.ofPlatform().daemon().name("jswoole-aio-", 1).factory());

    private CoSystem() {
    }

    /**
     * Runs {@code task} on the blocking pool and parks the calling coroutine until it is done, or up to
     * {@code timeout} seconds (negative: no limit); on timeout or cancel the task is interrupted.
     */
    public static <T> T blocking(Callable<T> task, double timeout) throws Exception {
        Coroutine co = Coroutine.currentOrNull();
        if (co == null) {
            return task.call();
        }
        Waiter w = new Waiter(co);
        Object[] box = new Object[2];
        Future<?> f = POOL.submit(() -> {
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

    /** Sleeps {@code seconds}; see {@link Coroutine#sleep}. */
    public static boolean sleep(double seconds) {
        return Coroutine.sleep(seconds);
    }

    /** {@code readFile}: the whole file. */
    public static byte[] readFile(String path) throws IOException {
        return io(() -> Files.readAllBytes(Path.of(path)), -1);
    }

    /** {@code writeFile}: replaces the file's content; returns the bytes written. */
    public static int writeFile(String path, byte[] data) throws IOException {
        return writeFile(path, data, false);
    }

    /** {@code writeFile} with {@code FILE_APPEND} when {@code append}; returns the bytes written. */
    public static int writeFile(String path, byte[] data, boolean append) throws IOException {
        return io(() -> {
            if (append) {
                Files.write(Path.of(path), data, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } else {
                Files.write(Path.of(path), data);
            }
            return data.length;
        }, -1);
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

    private static List<String> resolve(String domain, int family, double timeout) {
        try {
            return io(() -> {
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
