package io.jswoole.server.process;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.server.ClientInfo;
import io.jswoole.server.Port;
import io.jswoole.server.Server;
import io.jswoole.server.mode.ConnectionOps;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link ConnectionOps} in a PROCESS worker JVM: the master holds the connections; every call is a frame to it,
 * naming the connection by fd and session, so a command for a connection that has gone never reaches the next one
 * on that fd.
 */
public final class WorkerJvmConnections implements ConnectionOps {
    private final ProcessWorker worker;
    private final Server server;
    private final long bufferOutputSize;
    /** The session of each fd this worker has seen, so its commands name the right connection. */
    private final Map<Integer, Long> sessions = new ConcurrentHashMap<>();
    /** The port of each fd this worker has seen: its protocol writes the replies. */
    private final Map<Integer, Integer> ports = new ConcurrentHashMap<>();
    /**
     * Connections this worker has asked the master to close, by fd: the session, negative once a reset was asked
     * too, so that a second close answers false as in the master's own table. Dropped with the fd's close event or
     * a new session.
     */
    private final Map<Integer, Long> closeAsked = new ConcurrentHashMap<>();

    WorkerJvmConnections(ProcessWorker worker, Server server, long bufferOutputSize) {
        this.worker = worker;
        this.server = server;
        this.bufferOutputSize = bufferOutputSize;
    }

    /** Records the session and port of {@code fd} (map writes only when it is new: most frames repeat it). */
    void knowSession(int port, int fd, long session) {
        Long known = sessions.get(fd);
        if (known == null || known != session) {
            sessions.put(fd, session);
            ports.put(fd, port);
            closeAsked.remove(fd);
        }
    }

    /** The close event of {@code fd} was handled: forgets it; its session (0 when unknown). */
    long forget(int fd) {
        Long session = sessions.remove(fd);
        ports.remove(fd);
        closeAsked.remove(fd);
        return session == null ? 0 : session;
    }

    private long session(int fd) {
        return sessions.getOrDefault(fd, 0L);
    }

    /** The port of {@code fd}: the one its events came from, else the first with a protocol. */
    Port portOf(int fd) {
        Integer index = ports.get(fd);
        return index != null ? server.ports().get(index)
                : server.ports().stream().filter(p -> p.protocol() != null).findFirst().orElse(null);
    }

    @Override
    public boolean send(int fd, byte[] data) {
        if (ConnectionOps.invalidFd(fd)) {
            return false;
        }
        long session = session(fd);
        if (session != 0 && closeAsked.containsKey(fd)) {
            return LastError.fail(ErrorCode.SESSION_CLOSED);
        }
        if (data.length > bufferOutputSize) { // refused here, as Swoole's worker does, not after the trip
            return LastError.fail(ErrorCode.DATA_LENGTH_TOO_LARGE);
        }
        worker.send(new ToMaster.Send(fd, session, data));
        return true;
    }

    @Override
    public boolean sendto(String ip, int port, byte[] data, int serverSocket) {
        worker.send(new ToMaster.SendTo(ip, port, serverSocket, data));
        return true;
    }

    @Override
    public boolean close(int fd, boolean reset) {
        long session = session(fd);
        if (session != 0) {
            Long asked = closeAsked.get(fd);
            if (asked != null && (asked < 0 || !reset)) {
                return LastError.fail(ErrorCode.SESSION_CLOSED);
            }
            closeAsked.put(fd, reset ? -session : session);
        }
        worker.send(new ToMaster.CloseFd(fd, session, reset));
        return true;
    }

    /** A port protocol's reply for {@code fd} (ownership passes), written by the fd's protocol, to the master. */
    @Override
    public boolean write(int fd, Object message) {
        try {
            Port port = portOf(fd);
            worker.send(new ToMaster.Write(port.index(), fd, session(fd), message));
            return true; // on its way to the master
        } finally {
            io.netty.util.ReferenceCountUtil.release(message);
        }
    }

    @Override
    public boolean control(int fd, Control op) {
        worker.send(new ToMaster.Control(op, fd, session(fd)));
        return true;
    }

    /** {@code bind}: asks the master, which keeps the uid, so a second bind is refused as in one JVM. */
    @Override
    public boolean bind(int fd, long uid) {
        Object answer = worker.call(ToMaster.Query.BIND, List.of(fd, session(fd), uid));
        if (!(answer instanceof Integer error)) {
            return false; // no answer: call() set the error
        }
        return error == 0 || LastError.fail(ErrorCode.of(error));
    }

    @Override
    public boolean exists(int fd) {
        return Boolean.TRUE.equals(worker.call(ToMaster.Query.EXISTS, fd));
    }

    @Override
    public Optional<ClientInfo> info(int fd) {
        return Optional.ofNullable((Map<?, ?>) worker.call(ToMaster.Query.INFO, fd)).map(ClientInfo::fromMap);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Integer> list(int startFd, int count) {
        Object l = worker.call(ToMaster.Query.LIST, List.of(startFd, count));
        return l == null ? List.of() : (List<Integer>) l;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Set<Integer> fds() {
        Object l = worker.call(ToMaster.Query.CONNECTIONS, null);
        return l == null ? Set.of() : Set.copyOf((List<Integer>) l);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Integer> heartbeat(boolean closeIdle) {
        Object l = worker.call(ToMaster.Query.HEARTBEAT, closeIdle);
        return l == null ? List.of() : (List<Integer>) l;
    }
}
