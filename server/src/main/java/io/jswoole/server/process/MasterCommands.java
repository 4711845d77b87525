package io.jswoole.server.process;

import io.jswoole.log.Log;
import io.jswoole.server.ClientInfo;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.mode.ConnectionOps;
import io.jswoole.server.mode.WorkerOps;
import io.jswoole.server.reactor.Connection;
import io.jswoole.server.reactor.ConnectionTable;
import io.jswoole.server.worker.Worker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The side of the JVM that holds the connections (the PROCESS master; in any mode, for the user processes of
 * {@code addProcess}) of what worker JVMs do to connections: it carries out their connection frames (send,
 * close, protocol writes, pause and resume, bind, the ends of close and half-close events) and answers their
 * questions (exists, info, list, stats, reload...), through this JVM's {@link ConnectionOps} and
 * {@link WorkerOps}, never the public {@link Server} API. A frame names its connection by fd and session: when the
 * fd has been reused by a newer connection since the worker got its event, the frame is dropped.
 * <p>Task and pipe frames are the {@link ProcessManager}'s.
 */
public final class MasterCommands {
    private final ConnectionTable table;
    private final ConnectionOps conns;
    private final WorkerOps workers;
    private final List<Port> ports;
    /** {@code stats()} with the {@code worker_*} figures of the worker given. */
    private final Function<Worker, Map<String, Object>> stats;
    /** The user processes, once they exist (they need these commands first). */
    private volatile UserProcesses users;

    public MasterCommands(ConnectionTable table, ConnectionOps conns, WorkerOps workers, List<Port> ports,
            Function<Worker, Map<String, Object>> stats) {
        this.table = table;
        this.conns = conns;
        this.workers = workers;
        this.ports = ports;
        this.stats = stats;
    }

    public void users(UserProcesses users) {
        this.users = users;
    }

    /** A worker JVM's write to the pipe of the user process whose worker id is {@code id}. */
    boolean toUserProcess(int id, byte[] message) {
        UserProcesses u = users;
        return u != null && u.writeTo(id, message);
    }

    /** Carries out a connection frame of worker JVM {@code w}. */
    void frame(RemoteWorker w, ToMaster.ConnectionFrame f) {
        switch (f) {
            case ToMaster.Send s -> {
                if (sessionIs(s.fd(), s.session()) && conns.send(s.fd(), s.data())) {
                    w.proxy.responseCount.increment();
                }
            }
            case ToMaster.CloseFd c -> {
                if (sessionIs(c.fd(), c.session())) {
                    conns.close(c.fd(), c.reset());
                }
            }
            case ToMaster.Write r -> {
                if (r.reply() == null) {
                    return; // the protocol dropped it
                }
                if (sessionIs(r.fd(), r.session())) {
                    conns.write(r.fd(), r.reply());
                } else {
                    io.netty.util.ReferenceCountUtil.release(r.reply());
                }
            }
            case ToMaster.SendTo s -> conns.sendto(s.ip(), s.port(), s.data(), s.serverSocket());
            case ToMaster.Control c -> {
                if (sessionIs(c.fd(), c.session())) {
                    conns.control(c.fd(), c.op());
                }
            }
            case ToMaster.Closed c -> {
                w.pendingCloses.remove(c.fd(), c.session());
                closeHandled(c.fd(), c.session());
            }
            case ToMaster.HalfClosed h -> halfCloseDone(h.fd(), h.session());
        }
    }

    /** Answers a question of worker JVM {@code w} (see {@link ProcessWorker#call}). */
    Object answer(RemoteWorker w, ToMaster.Query query, Object args) {
        return switch (query) {
            case EXISTS -> conns.exists((Integer) args);
            case INFO -> conns.info((Integer) args).map(ClientInfo::toMap).orElse(null);
            case LIST -> {
                List<?> a = (List<?>) args;
                yield conns.list((Integer) a.get(0), (Integer) a.get(1));
            }
            case STATS -> stats.apply(w.proxy); // its worker_* figures, as the master counts them
            case HEARTBEAT -> conns.heartbeat((Boolean) args);
            case SHUTDOWN -> workers.shutdown();
            case CONNECTIONS -> new ArrayList<>(conns.fds());
            case RELOAD -> workers.reload();
            case RETIRE, STOP_WORKER -> workers.stop((Integer) args);
            case WORKER_PID -> workers.pid((Integer) args);
            case WORKER_STATUS -> workers.status((Integer) args);
            case PROTOCOL -> { // [port, question]: the protocol of the port the worker named
                List<?> a = (List<?>) args;
                yield ports.get((Integer) a.get(0)).protocol().remote().answer(a.get(1));
            }
            case BIND -> { // [fd, session, uid]: 0, or the error of the refusal
                List<?> a = (List<?>) args;
                int fd = (Integer) a.get(0);
                if (!sessionIs(fd, (Long) a.get(1))) {
                    yield io.jswoole.ErrorCode.SESSION_NOT_EXIST.code();
                }
                yield conns.bind(fd, (Long) a.get(2)) ? 0 : io.jswoole.LastError.get();
            }
        };
    }

    /**
     * Worker JVM {@code w} is gone: the close events it had not finished free their fds, and for an event worker
     * its port protocol answers what it had in flight.
     */
    void workerLost(RemoteWorker w, boolean eventWorker) {
        for (Map.Entry<Integer, Long> e : w.pendingCloses.entrySet()) {
            closeHandled(e.getKey(), e.getValue());
        }
        w.pendingCloses.clear();
        if (!eventWorker) {
            return;
        }
        for (var protocol : ports.stream().map(p -> p.protocol()).filter(Objects::nonNull).distinct().toList()) {
            try {
                protocol.remote().workerLost(w.id);
            } catch (RuntimeException e) {
                Log.error("protocol failed to answer the requests of dead worker #" + w.id, e);
            }
        }
    }

    /** Whether {@code fd} is the connection {@code session} (0: whatever connection has the fd now). */
    private boolean sessionIs(int fd, long session) {
        Connection c = table.get(fd);
        return c != null && (session == 0 || c.session == session);
    }

    /** A worker JVM ran the receives that came before a half-close of {@code fd}. */
    private void halfCloseDone(int fd, long session) {
        Connection c = table.get(fd);
        if (c != null && c.session == session && c.halfCloseAcked()) {
            c.closeAfterOutput(false);
        }
    }

    /** A worker JVM finished the close event of {@code fd}: free it, unless it already belongs to a new connection. */
    private void closeHandled(int fd, long session) {
        Connection c = table.get(fd);
        if (c != null && c.session == session && c.closed) {
            table.free(fd);
        }
    }
}
