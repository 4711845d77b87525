package io.jswoole.server.process;

import io.jswoole.log.Log;
import io.jswoole.server.ClientInfo;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.mode.ConnectionOps;
import io.jswoole.server.mode.WorkerOps;
import io.jswoole.server.reactor.Connection;
import io.jswoole.server.reactor.ConnectionTable;
import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.worker.Worker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The PROCESS master's side of what worker JVMs do to connections: it carries out their connection frames (send,
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

    public MasterCommands(ConnectionTable table, ConnectionOps conns, WorkerOps workers, List<Port> ports,
            Function<Worker, Map<String, Object>> stats) {
        this.table = table;
        this.conns = conns;
        this.workers = workers;
        this.ports = ports;
        this.stats = stats;
    }

    /** Carries out a connection frame of worker JVM {@code w}; false when {@code type} is not one. */
    boolean frame(RemoteWorker w, byte type, FrameInput in) throws IOException {
        switch (type) {
            case Ipc.SEND -> {
                int fd = in.readInt();
                long session = in.readLong();
                byte[] data = Ipc.bytes(in);
                if (sessionIs(fd, session) && conns.send(fd, data)) {
                    w.proxy.responseCount.increment();
                }
            }
            case Ipc.CLOSE_FD -> {
                int fd = in.readInt();
                long session = in.readLong();
                if (sessionIs(fd, session)) {
                    conns.close(fd, in.readBoolean());
                }
            }
            case Ipc.WRITE -> write(in.readShort(), in.readInt(), in.readLong(), in);
            case Ipc.SENDTO -> {
                String ip = Ipc.str(in);
                int port = in.readInt();
                int sock = in.readInt();
                conns.sendto(ip, port, Ipc.bytes(in), sock);
            }
            case Ipc.CONTROL -> {
                byte op = in.readByte();
                int fd = in.readInt();
                long session = in.readLong();
                ConnectionOps.Control control = switch (op) {
                    case Ipc.OP_PAUSE -> ConnectionOps.Control.PAUSE;
                    case Ipc.OP_RESUME -> ConnectionOps.Control.RESUME;
                    case Ipc.OP_PROTECT -> ConnectionOps.Control.PROTECT;
                    case Ipc.OP_UNPROTECT -> ConnectionOps.Control.UNPROTECT;
                    default -> throw new IOException("unknown control op " + op);
                };
                if (sessionIs(fd, session)) {
                    conns.control(fd, control);
                }
            }
            case Ipc.CLOSED -> {
                int fd = in.readInt();
                long session = in.readLong();
                w.pendingCloses.remove(fd, session);
                closeHandled(fd, session);
            }
            case Ipc.HALF_CLOSED -> {
                int fd = in.readInt();
                halfCloseDone(fd, in.readLong());
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    /** Answers a question of worker JVM {@code w} (see {@link ProcessWorker#call}). */
    Object answer(RemoteWorker w, byte op, Object args) {
        return switch (op) {
            case Ipc.CALL_EXISTS -> conns.exists((Integer) args);
            case Ipc.CALL_INFO -> conns.info((Integer) args).map(ClientInfo::toMap).orElse(null);
            case Ipc.CALL_LIST -> {
                List<?> a = (List<?>) args;
                yield conns.list((Integer) a.get(0), (Integer) a.get(1));
            }
            case Ipc.CALL_STATS -> stats.apply(w.proxy); // its worker_* figures, as the master counts them
            case Ipc.CALL_HEARTBEAT -> conns.heartbeat((Boolean) args);
            case Ipc.CALL_SHUTDOWN -> workers.shutdown();
            case Ipc.CALL_CONNECTIONS -> new ArrayList<>(conns.fds());
            case Ipc.CALL_RELOAD -> workers.reload();
            case Ipc.CALL_RETIRE, Ipc.CALL_STOP_WORKER -> workers.stop((Integer) args);
            case Ipc.CALL_WORKER_PID -> workers.pid((Integer) args);
            case Ipc.CALL_WORKER_STATUS -> workers.status((Integer) args);
            case Ipc.CALL_PROTOCOL -> { // [port, question]: the protocol of the port the worker named
                List<?> a = (List<?>) args;
                yield ports.get((Integer) a.get(0)).protocol().remote().answer(a.get(1));
            }
            case Ipc.CALL_BIND -> { // [fd, session, uid]: 0, or the error of the refusal
                List<?> a = (List<?>) args;
                int fd = (Integer) a.get(0);
                if (!sessionIs(fd, (Long) a.get(1))) {
                    yield io.jswoole.ErrorCode.SESSION_NOT_EXIST.code();
                }
                yield conns.bind(fd, (Long) a.get(2)) ? 0 : io.jswoole.LastError.get();
            }
            default -> throw new IllegalArgumentException("unknown call " + op);
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

    /** A port-protocol reply: queued when {@code fd} is still the connection the worker meant. */
    private void write(int port, int fd, long session, FrameInput in) throws IOException {
        Object reply = ports.get(port).protocol().remote().readReply(fd, in);
        if (reply == null) {
            return;
        }
        if (sessionIs(fd, session)) {
            conns.write(fd, reply);
        } else {
            io.netty.util.ReferenceCountUtil.release(reply);
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
        if (c != null && c.session == session && c.halfCloseAcks.decrementAndGet() == 0) {
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
