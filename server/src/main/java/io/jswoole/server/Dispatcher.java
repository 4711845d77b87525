package io.jswoole.server;

import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * THREAD mode's choice of worker for each event ({@code dispatch_mode} and {@code dispatch_func}), run on the
 * reactor thread that owns the connection.
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
final class Dispatcher {
    /** Returned for "drop this event" and "close the connection". */
    static final int DISCARD = -1, CLOSE = -2;

    private final Server server;
    private final Worker[] workers;
    private final int mode;
    private final DispatchFunction func;
    private final AtomicInteger roundRobin = new AtomicInteger();

    Dispatcher(Server server, Worker[] workers, int mode, DispatchFunction func) {
        this.server = server;
        this.workers = workers;
        this.mode = mode;
        this.func = func;
    }

    /** Whether connect and close reach the workers (not in modes 1 and 3 unless {@code enable_unsafe_event}). */
    static boolean deliversConnectClose(int mode, boolean unsafeEvent) {
        return unsafeEvent || (mode != 1 && mode != 3);
    }

    /** The worker for an event of {@code c}, or {@link #DISCARD} / {@link #CLOSE}. */
    int pick(Connection c, int type, byte[] data) {
        if (func != null) {
            byte[] head = data.length > 8192 ? java.util.Arrays.copyOf(data, 8192) : data;
            int r = func.dispatch(server, c.fd, type, head);
            if (r >= 0) {
                if (r >= workers.length) {
                    throw new IllegalStateException("dispatch_func returned worker " + r + ", but worker_num is "
                            + workers.length);
                }
                return r;
            }
            if (r == DispatchFunction.DISCARD_PACKET) {
                return DISCARD;
            }
            if (r == DispatchFunction.CLOSE_CONNECTION) {
                return CLOSE;
            }
            if (r != DispatchFunction.USERFUNC_FALLBACK) {
                throw new IllegalStateException("dispatch_func returned " + r + ", which is neither a worker id "
                        + "nor -1, -2 or -3");
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

    /** The worker for a datagram from {@code address}. */
    int pickForPacket(String address) {
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
    static int ipHash(String ip) {
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
