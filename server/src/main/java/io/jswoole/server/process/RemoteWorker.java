package io.jswoole.server.process;

import io.jswoole.server.Server;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.reactor.Connection;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.worker.Worker;
import io.jswoole.server.worker.WorkerEvent;
import io.netty.channel.Channel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The master's end of one worker JVM (PROCESS mode): events become {@link Ipc} frames in a queue that the
 * worker socket's event loop writes. While the worker is being replaced (crash, reload, max_request) the queue
 * keeps filling and the replacement receives it: a connection's next data reaches the new worker.
 */
public final class RemoteWorker implements Worker.Remote {
    final int id;
    final Ipc.Writer writer;
    private final Server server;
    private final Ipc.Protocols protocols;
    public volatile Process process;
    public volatile long pid;
    /** The last coroutine counts the worker JVM reported, with the pid of the JVM that reported them. */
    private volatile CoroutineCounts coroutineCounts;

    /** What a worker JVM reported of its coroutines ({@link ToMaster.Coroutines}). */
    public record CoroutineCounts(long pid, int num, int peak) {
    }

    void coroutines(int num, int peak) {
        coroutineCounts = new CoroutineCounts(pid, num, peak);
    }

    /** The counts of the JVM running now; null before it reported any. */
    public CoroutineCounts coroutineCounts() {
        CoroutineCounts c = coroutineCounts;
        return c != null && c.pid() == pid ? c : null;
    }
    volatile long startedNanos;
    /** The current process's socket (on one of the master's reactors), null while there is none. */
    public volatile Channel channel;
    /** The current process's standard error, passed on to ours; its last lines tell why it could not start. */
    volatile StderrTail stderr;
    /** Counted down when the current process said HELLO. */
    public volatile CountDownLatch ready = new CountDownLatch(1);
    /** Set while the manager replaces the process on purpose (reload, stop): its exit is not an error. */
    public volatile boolean expectExit;
    /** Close events sent to the current process and not yet reported handled: session by fd. */
    final Map<Integer, Long> pendingCloses = new ConcurrentHashMap<>();
    /** Tasks sent to this task worker and not finished, by (src, id) key. */
    final Map<Long, InFlightTask> tasksInFlight = new ConcurrentHashMap<>();
    /**
     * Set once STOP has been queued for the current process (reload, stop, max_request): what is queued after it
     * waits for the replacement, and tasks for any task worker go elsewhere. Cleared by the replacement's HELLO.
     */
    public volatile boolean retiring;
    /** {@code max_memory} checks in a row this process was over the limit (the manager's timer only). */
    int memoryStrikes;

    /**
     * Bumped by each process's HELLO (under this object's lock). A task queued with generation g reaches process g
     * or, when that one died before reading it, a later one; g + 1 means it was queued behind process g's STOP.
     */
    int generation;

    /**
     * A task on its way to or in this task worker: {@code dst} as asked (-1: any), its frame as queued, its place in
     * the order tasks were first sent, and the {@link #generation} of the process it was queued for.
     */
    record InFlightTask(int dst, byte flags, ByteBuffer frame, long seq, int generation) {
    }

    /** The generation of the process a frame queued now reaches: after a STOP, the replacement. */
    int nextFrameGeneration() {
        return retiring ? generation + 1 : generation;
    }

    /** Worker to fall back on (the Worker proxy the dispatcher sees). */
    public Worker proxy;

    RemoteWorker(int id, Server server) {
        this.id = id;
        this.server = server;
        this.protocols = Ipc.Protocols.of(server);
        this.writer = new Ipc.Writer();
    }

    /** Encodes {@code e} as a frame for this worker. */
    @Override
    public void deliver(WorkerEvent e) {
        switch (e) {
            case WorkerEvent.Connect c -> send(new ToWorker.Connect(c.port(), c.fd(), session(c.fd()), c.reactorId()));
            case WorkerEvent.Receive r -> send(new ToWorker.Receive(r.port(), r.fd(), session(r.fd()), r.reactorId(),
                    r.data()));
            case WorkerEvent.Close c -> {
                long session = session(c.fd());
                pendingCloses.put(c.fd(), session);
                send(new ToWorker.Close(c.port(), c.fd(), session, c.reactorId()));
            }
            case WorkerEvent.Buffer b -> send(new ToWorker.Buffer(b.port(), b.fd(), session(b.fd()), b.full()));
            case WorkerEvent.Packet p -> send(new ToWorker.Packet(p.port(), p.info().address(), p.info().port(),
                    p.info().serverPort(), p.info().dispatchTime(), p.data()));
            case WorkerEvent.Message m -> {
                Sent sent = new Sent(id, writer);
                try {
                    ByteBuffer frame = ToWorker.encode(new ToWorker.Message(m.port(), m.fd(), session(m.fd()),
                            m.reactorId(), m.message(), sent), protocols);
                    sent.frame = frame;
                    writer.send(frame);
                } finally {
                    ReferenceCountUtil.release(m.message());
                }
            }
        }
    }

    private void send(ToWorker m) {
        writer.send(ToWorker.encode(m, protocols));
    }

    /** A protocol message sent to this worker: reached once its frame was written whole to the worker's JVM. */
    private static final class Sent implements PortProtocol.Delivery {
        private final int workerId;
        private final Ipc.Writer writer;
        volatile ByteBuffer frame;

        Sent(int workerId, Ipc.Writer writer) {
            this.workerId = workerId;
            this.writer = writer;
        }

        @Override
        public int workerId() {
            return workerId;
        }

        @Override
        public boolean reached() {
            ByteBuffer f = frame;
            return f != null && writer.reached(f);
        }
    }

    /** The peer of {@code fd} half-closed: the worker answers HALF_CLOSED once the receives before it have run. */
    @Override
    public void halfClose(int fd, long session) {
        send(new ToWorker.HalfClose(fd, session));
    }

    private long session(int fd) {
        Connection c = ServerAccess.runtime(server).connection(fd);
        return c == null ? 0 : c.session;
    }
}
