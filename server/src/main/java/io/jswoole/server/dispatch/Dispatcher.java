package io.jswoole.server.dispatch;

import io.jswoole.server.DispatchFunction;
import io.jswoole.server.Server;
import io.jswoole.server.reactor.Connection;
import io.jswoole.server.worker.Worker;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place that decides which worker gets an event, for every kind of event and every mode. In BASE mode the
 * worker is the event loop that owns the connection (or read the datagram); in THREAD and PROCESS mode
 * {@code dispatch_mode} and {@code dispatch_func} choose, on the reactor thread that owns the connection:
 * <ul>
 * <li>1 round robin, per packet;</li>
 * <li>2 fd modulo (the default): a connection always goes to the same worker;</li>
 * <li>3 idle worker: the next worker with nothing in flight, else round robin;</li>
 * <li>4 client IP modulo (IPv4 as a number, IPv6 hashed);</li>
 * <li>5 uid modulo once {@code bind(fd, uid)} was called, fd modulo before;</li>
 * <li>8 fewest coroutines, chosen at a connection's first event and kept;</li>
 * <li>9 fewest coroutines, per event;</li>
 * <li>10 fewest events in flight, per event.</li>
 * </ul>
 * UDP packets: modes 2, 4 and 5 hash the client address; 1 and 3 pick at random, as in Swoole.
 */
public final class Dispatcher {
    /** Returned for "drop this event" and "close the connection". */
    public static final int DISCARD = -1, CLOSE = -2;

    private final Server server;
    private final Worker[] workers;
    private final int mode;
    private final DispatchFunction func;
    /** BASE: each worker is the loop that owns its connections, and no dispatch runs. */
    private final boolean ownLoop;
    private final AtomicInteger roundRobin = new AtomicInteger();

    public Dispatcher(Server server, Worker[] workers, int mode, DispatchFunction func, boolean ownLoop) {
        this.server = server;
        this.workers = workers;
        this.mode = mode;
        this.func = func;
        this.ownLoop = ownLoop;
    }

    /**
     * The worker for a connect, data or close event of {@code c}, or {@link #DISCARD} / {@link #CLOSE}; a
     * {@code dispatch_func} that throws closes the connection, with one log line.
     */
    public int forEvent(Connection c, int type, byte[] data) {
        if (ownLoop) {
            return c.reactorId;
        }
        try {
            return pick(c, type, data);
        } catch (RuntimeException e) {
            io.jswoole.log.Log.error("dispatch failed for fd " + c.fd + ", closing it", e);
            return CLOSE;
        }
    }

    /**
     * The worker for the close of {@code c}: the one dispatch picks when the close is an event of the application
     * ({@code closeEvent}), else the one the connection belongs to; never a refusal (the fd must be freed).
     */
    public int forClose(Connection c, boolean closeEvent) {
        int w = closeEvent ? forEvent(c, DispatchFunction.TYPE_CLOSE, new byte[0]) : -1;
        return w >= 0 ? w : home(c);
    }

    /** The worker for {@code bufferFull} / {@code bufferEmpty} of {@code c}: the one its events went to. */
    public int forBuffer(Connection c) {
        return ownLoop ? c.reactorId : (c.workerId >= 0 ? c.workerId : c.fd % workers.length);
    }

    /** The worker of {@code c} outside dispatch (a half-close waiting for its receives): its loop, or fd modulo. */
    public int home(Connection c) {
        return ownLoop ? c.reactorId : c.fd % workers.length;
    }

    /**
     * The worker for a datagram from {@code address}:{@code port} read by loop {@code loopId}, or {@link #DISCARD}
     * when {@code dispatch_func} drops it.
     */
    public int forPacket(String address, int port, int loopId, byte[] data) {
        if (ownLoop) {
            return loopId;
        }
        if (func != null) {
            int r = byFunction(PacketFd.of(address, port), DispatchFunction.TYPE_PACKET, data);
            if (r != DispatchFunction.USERFUNC_FALLBACK) {
                return r < 0 ? DISCARD : r; // a datagram has no connection to close
            }
        }
        return pickForPacket(address);
    }

    /**
     * Whether every event of a connection goes to one worker ({@code dispatch_mode} 2, 4, 5 and 8 without a
     * {@code dispatch_func}): then only that worker can hold its receives.
     */
    public boolean sticky() {
        return ownLoop || func == null && (mode == 2 || mode == 4 || mode == 5 || mode == 8);
    }

    /** Whether connect and close reach the workers (not in modes 1 and 3 unless {@code enable_unsafe_event}). */
    public static boolean deliversConnectClose(int mode, boolean unsafeEvent) {
        return unsafeEvent || (mode != 1 && mode != 3);
    }

    /** The worker for an event of {@code c}, or {@link #DISCARD} / {@link #CLOSE}. */
    int pick(Connection c, int type, byte[] data) {
        if (func != null) {
            int r = byFunction(c.fd, type, data);
            if (r != DispatchFunction.USERFUNC_FALLBACK) {
                return r == DispatchFunction.CLOSE_CONNECTION ? CLOSE : r < 0 ? DISCARD : r;
            }
        }
        int n = workers.length;
        return switch (mode) {
            case 1 -> Math.floorMod(roundRobin.getAndIncrement(), n);
            case 3 -> idleWorker();
            case 4 -> Math.floorMod(ipHash(c.remoteIp), n);
            case 5 -> c.uid != 0 ? (int) Math.floorMod(c.uid, (long) n) : c.fd % n;
            case 8 -> {
                if (c.workerId < 0) {
                    c.workerId = fewest(false);
                }
                yield c.workerId;
            }
            case 9 -> fewest(false);
            case 10 -> fewest(true);
            default -> c.fd % n;
        };
    }

    /** {@code dispatch_func}'s answer for an event, checked: a worker id, -1, -2 or -3. */
    private int byFunction(int fd, int type, byte[] data) {
        byte[] head = data.length > 8192 ? java.util.Arrays.copyOf(data, 8192) : data;
        int r = func.dispatch(server, fd, type, head);
        if (r >= workers.length) {
            throw new IllegalStateException("dispatch_func returned worker " + r + ", but worker_num is "
                    + workers.length);
        }
        if (r < DispatchFunction.USERFUNC_FALLBACK) {
            throw new IllegalStateException("dispatch_func returned " + r + ", which is neither a worker id "
                    + "nor -1, -2 or -3");
        }
        return r;
    }

    private int pickForPacket(String address) {
        int n = workers.length;
        return switch (mode) {
            case 1, 3 -> ThreadLocalRandom.current().nextInt(n);
            default -> Math.floorMod(ipHash(address), n);
        };
    }

    /** The worker with the fewest coroutines (or, with {@code inFlight}, the fewest events in flight). */
    private int fewest(boolean inFlight) {
        int best = 0;
        long bestN = Long.MAX_VALUE;
        int start = Math.floorMod(roundRobin.getAndIncrement(), workers.length);
        for (int i = 0; i < workers.length; i++) {
            int w = (start + i) % workers.length;
            long n = inFlight ? workers[w].concurrency.get() : workers[w].coroutineNum();
            if (n < bestN) {
                bestN = n;
                best = w;
            }
        }
        return best;
    }

    private int idleWorker() {
        int n = workers.length;
        int start = roundRobin.getAndIncrement();
        for (int i = 0; i < n; i++) {
            int w = Math.floorMod(start + i, n);
            if (workers[w].idle()) {
                return w;
            }
        }
        return Math.floorMod(start, n);
    }

    /** IPv4 addresses as their 32-bit number, anything else (IPv6, Unix paths) hashed. */
    public static int ipHash(String ip) {
        if (ip == null || ip.isEmpty()) {
            return 0;
        }
        if (ip.indexOf(':') < 0 && ip.indexOf('/') < 0) {
            try {
                byte[] b = InetAddress.ofLiteral(ip).getAddress();
                if (b.length == 4) {
                    long v = ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
                    return (int) (v % Integer.MAX_VALUE);
                }
            } catch (IllegalArgumentException e) {
                // not a literal: hash it
            }
        }
        return ip.hashCode() & Integer.MAX_VALUE;
    }
}
