package io.jswoole.server;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@link ConnectionOps} in a PROCESS worker JVM: the master holds the connections; every call is a frame to it. */
final class WorkerJvmConnections implements ConnectionOps {
    private final ProcessWorker link;

    WorkerJvmConnections(ProcessWorker link) {
        this.link = link;
    }

    @Override
    public boolean send(int fd, byte[] data) {
        return link.send(fd, data);
    }

    @Override
    public boolean sendto(String ip, int port, byte[] data, int serverSocket) {
        return link.sendto(ip, port, data, serverSocket);
    }

    @Override
    public boolean close(int fd, boolean reset) {
        return link.close(fd, reset);
    }

    @Override
    public boolean write(int fd, Object message) {
        return link.protocolWrite(fd, message); // true once it is on its way to the master
    }

    @Override
    public boolean control(int fd, Control op) {
        return link.control(switch (op) {
            case PAUSE -> Ipc.OP_PAUSE;
            case RESUME -> Ipc.OP_RESUME;
            case PROTECT -> Ipc.OP_PROTECT;
            case UNPROTECT -> Ipc.OP_UNPROTECT;
        }, fd);
    }

    @Override
    public boolean bind(int fd, long uid) {
        return link.bind(fd, uid);
    }

    @Override
    public boolean exists(int fd) {
        return Boolean.TRUE.equals(link.call(Ipc.CALL_EXISTS, fd));
    }

    @Override
    public Optional<ClientInfo> info(int fd) {
        return Optional.ofNullable((Map<?, ?>) link.call(Ipc.CALL_INFO, fd)).map(ClientInfo::fromMap);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Integer> list(int startFd, int count) {
        Object l = link.call(Ipc.CALL_LIST, List.of(startFd, count));
        return l == null ? List.of() : (List<Integer>) l;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Set<Integer> fds() {
        Object l = link.call(Ipc.CALL_CONNECTIONS, null);
        return l == null ? Set.of() : Set.copyOf((List<Integer>) l);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<Integer> heartbeat(boolean closeIdle) {
        Object l = link.call(Ipc.CALL_HEARTBEAT, closeIdle);
        return l == null ? List.of() : (List<Integer>) l;
    }
}
