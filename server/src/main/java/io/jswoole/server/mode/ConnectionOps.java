package io.jswoole.server.mode;

import io.jswoole.server.ClientInfo;
import io.jswoole.server.Server;
import io.jswoole.server.process.WorkerJvmConnections;
import io.jswoole.server.reactor.LocalConnections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What callbacks can do to connections, wherever they run: {@link LocalConnections} over the connection table
 * (BASE, THREAD and the PROCESS master), {@link WorkerJvmConnections} through the master (a PROCESS worker JVM), and
 * {@link #NOT_STARTED} before {@code start()}. {@link Server} picks one when it starts and delegates to it, so no
 * method of the facade asks which mode or JVM it is in.
 */
public interface ConnectionOps {
    boolean send(int fd, byte[] data);

    /**
     * A send to an fd no session can have (0, negative, past the largest): refused with Swoole's warning
     * ({@code invalid_fd.phpt}), in every mode; true when refused.
     */
    static boolean invalidFd(int fd) {
        if (fd > 0 && fd <= io.jswoole.server.reactor.Connection.MAX_FD) {
            return false;
        }
        io.jswoole.log.Log.warning("send(): invalid fd[" + fd + "]");
        io.jswoole.LastError.fail(io.jswoole.ErrorCode.SESSION_NOT_EXIST);
        return true;
    }

    /**
     * {@code sendwait}: {@link #send} and wait until the bytes are written to the socket. Swoole allows it only in
     * an event worker of BASE mode; elsewhere it is refused with a warning, as there ({@link #refuseSendwait}).
     */
    default boolean sendwait(int fd, byte[] data) {
        return refuseSendwait("this mode");
    }

    /** Swoole's refusal of {@code sendwait}: a warning naming {@code where}, and false. */
    static boolean refuseSendwait(String where) {
        io.jswoole.log.Log.warning("cannot sendwait in " + where + ": sendwait() needs an event worker of Mode.BASE, "
                + "as in Swoole (use send(), whose output is flow-controlled by socket_buffer_size)");
        return io.jswoole.LastError.fail(io.jswoole.ErrorCode.OPERATION_NOT_SUPPORT);
    }

    boolean sendto(String ip, int port, byte[] data, int serverSocket);

    boolean close(int fd, boolean reset);

    boolean control(int fd, Control op);

    boolean bind(int fd, long uid);

    boolean exists(int fd);

    Optional<ClientInfo> info(int fd);

    List<Integer> list(int startFd, int count);

    Set<Integer> fds();

    List<Integer> heartbeat(boolean closeIdle);

    /**
     * A port protocol's message for {@code fd} (a ByteBuf or what the port's encoders take; ownership passes), queued
     * behind what was sent before; false, and the message released, when the connection is gone.
     */
    boolean write(int fd, Object message);

    /** {@code pause}, {@code resume} (and {@code confirm}), {@code protect} and its undoing. */
    enum Control { PAUSE, RESUME, PROTECT, UNPROTECT }

    private static boolean noSuchSession() {
        return io.jswoole.LastError.fail(io.jswoole.ErrorCode.SESSION_NOT_EXIST);
    }

    /** Before {@code start()}: no connection exists. */
    ConnectionOps NOT_STARTED = new ConnectionOps() {
        @Override
        public boolean send(int fd, byte[] data) {
            return noSuchSession();
        }

        @Override
        public boolean sendto(String ip, int port, byte[] data, int serverSocket) {
            return io.jswoole.LastError.fail(io.jswoole.ErrorCode.INVALID_PARAMS);
        }

        @Override
        public boolean close(int fd, boolean reset) {
            return noSuchSession();
        }

        @Override
        public boolean control(int fd, Control op) {
            return noSuchSession();
        }

        @Override
        public boolean bind(int fd, long uid) {
            return noSuchSession();
        }

        @Override
        public boolean exists(int fd) {
            return false;
        }

        @Override
        public Optional<ClientInfo> info(int fd) {
            return Optional.empty();
        }

        @Override
        public List<Integer> list(int startFd, int count) {
            return List.of();
        }

        @Override
        public Set<Integer> fds() {
            return Set.of();
        }

        @Override
        public List<Integer> heartbeat(boolean closeIdle) {
            return List.of();
        }

        @Override
        public boolean write(int fd, Object message) {
            io.netty.util.ReferenceCountUtil.release(message);
            return noSuchSession();
        }
    };
}
