package io.jswoole.process;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.log.Log;
import java.io.IOException;

/**
 * A {@link Pool} worker inside its JVM: makes the {@link Pool.Worker}, fires {@code onWorkerStart}, then (with
 * {@link Pool#IPC_UNIXSOCK}) one {@code onMessage} per message from the pipe, one at a time, then
 * {@code onWorkerStop}, and exits 0.
 * <p>SIGTERM (the pool stopping or reloading) or SIGINT (Ctrl-C reaches the whole process group) makes {@link #running()} false: the message loop ends after the
 * message being handled (a worker waiting for one stops at once), and an {@code onWorkerStart} of IPC_NONE is
 * expected to return when it sees it. A worker whose parent has gone (its pipe ends) stops the same way, so no
 * worker outlives its pool. An event that throws is logged; one from {@code onWorkerStart} ends the worker with
 * status 255 (the pool restarts it).
 */
final class PoolWorker {
    /** The pool's extra arguments in this worker JVM ({@link Manager}'s entry points). */
    private static volatile java.util.List<String> extra = java.util.List.of();
    private final Pipe pipe;
    private volatile boolean running = true;
    private volatile boolean busy;
    /** IPC_SOCKET: the connection whose message {@code onMessage} handles now, or -1. */
    private volatile long connection = -1;

    private PoolWorker(Pipe pipe) {
        this.pipe = pipe;
    }

    /** Arguments: worker class, worker id, worker_num, ipc type, enable_coroutine, max_package_size, extra... */
    static void run(Pipe pipe, String[] args) throws Exception {
        extra = java.util.List.of(args).subList(6, args.length);
        Class<? extends Pool.Worker> cls = Class.forName(args[0]).asSubclass(Pool.Worker.class);
        int id = Integer.parseInt(args[1]);
        int num = Integer.parseInt(args[2]);
        int ipc = Integer.parseInt(args[3]);
        boolean coroutine = Boolean.parseBoolean(args[4]);
        int maxPackage = Integer.parseInt(args[5]);
        PoolWorker w = new PoolWorker(pipe);
        Pool pool = new Pool(num, ipc, cls, id, w);
        Pool.Worker worker = Pool.constructor(cls).newInstance();
        Sig.handle(Sig.SIGTERM, s -> w.stop());
        // Ctrl-C in a terminal signals the whole process group: the pool's JVM stops the workers in order, so a
        // worker takes SIGINT as that same graceful stop instead of dying in the middle of a message
        Sig.handle(Sig.SIGINT, s -> w.stop());
        if (ipc == Pool.IPC_NONE) {
            // nothing reads the pipe but this watch: its end means the pool's JVM is gone
            Thread.ofPlatform().daemon().name("jswoole-pool-parent").start(() -> {
                try {
                    while (pipe.read(1 << 16) != null) {
                        // IPC_NONE: the pool sends nothing
                    }
                } catch (IOException e) {
                    // ended
                }
                w.stop();
            });
        }
        int[] status = {0};
        Runnable body = () -> status[0] = w.loop(pool, worker, id, ipc, maxPackage);
        if (coroutine) {
            Coroutine.run(body);
        } else {
            body.run();
        }
        System.out.flush();
        System.exit(status[0]);
    }

    private int loop(Pool pool, Pool.Worker worker, int id, int ipc, int maxPackage) {
        try {
            worker.onWorkerStart(pool, id);
        } catch (Throwable t) {
            Log.error("pool worker #" + id + ": onWorkerStart threw", t);
            return 255;
        }
        if (ipc != Pool.IPC_NONE) {
            boolean socket = ipc == Pool.IPC_SOCKET;
            while (running) {
                byte[] m;
                try {
                    m = pipe.read(maxPackage + (socket ? 8 : 0));
                } catch (IOException e) {
                    break;
                }
                if (m == null) {
                    break;
                }
                busy = true;
                try {
                    if (socket) {
                        connection = java.nio.ByteBuffer.wrap(m).getLong();
                        m = java.util.Arrays.copyOfRange(m, 8, m.length);
                    }
                    worker.onMessage(pool, m);
                } catch (Throwable t) {
                    Log.error("pool worker #" + id + ": onMessage threw", t);
                } finally {
                    if (socket) {
                        finish();
                    }
                    busy = false;
                }
            }
        }
        try {
            worker.onWorkerStop(pool, id);
        } catch (Throwable t) {
            Log.error("pool worker #" + id + ": onWorkerStop threw", t);
        }
        return 0;
    }

    /** {@code Pool.write}: an answer to the client of the message being handled (frame -2, connection, data). */
    void answer(byte[] data) throws IOException {
        long c = connection;
        if (c < 0) {
            throw new IllegalStateException("write() answers a client: call it in onMessage of an IPC_SOCKET pool");
        }
        byte[] frame = java.nio.ByteBuffer.allocate(12 + data.length).putInt(-2).putLong(c).put(data).array();
        pipe.write(frame, 0, frame.length);
    }

    /** onMessage returned: the pool closes the client's connection (frame -3, connection). */
    private void finish() {
        long c = connection;
        connection = -1;
        try {
            byte[] frame = java.nio.ByteBuffer.allocate(12).putInt(-3).putLong(c).array();
            pipe.write(frame, 0, frame.length);
        } catch (IOException e) {
            // the pool is gone
        }
    }

    /** SIGTERM or the parent gone: the loop ends after the message being handled; a waiting read ends now. */
    private void stop() {
        running = false;
        if (!busy) {
            try {
                pipe.channel().shutdownInput();
            } catch (IOException e) {
                // closed already
            }
        }
    }

    boolean running() {
        return running;
    }

    static java.util.List<String> extraArgs() {
        return extra;
    }

    Pipe pipe() {
        return pipe;
    }
}
