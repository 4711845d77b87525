package io.jswoole.server;

import io.jswoole.server.spi.ClusterSupport;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * {@link Server}'s connection methods for a connection anywhere in the cluster ({@code cluster_redis}): a
 * {@link GlobalFd} of this node takes the local path, another node's goes through Redis to it. A remote one fails
 * (false, with {@link io.jswoole.LastError}) when it is gone, its node's heartbeat expired, or Redis cannot be reached; a
 * server that is not in a cluster, or not started, refuses global fds. Kept apart from {@link Server} so that the
 * facade stays a list of one-line delegations.
 */
public sealed interface ClusterConnections permits Server {
    boolean send(int fd, byte[] data);

    boolean close(int fd, boolean reset);

    boolean exists(int fd);

    Optional<ClientInfo> getClientInfo(int fd);

    /** {@link Server#send(int, byte[])} to a connection anywhere in the cluster. */
    default boolean send(GlobalFd fd, byte[] data) {
        var node = ClusterSupport.remote((Server) this, fd);
        return node == null ? send(fd.fd(), data) : node.send(fd, data);
    }

    default boolean send(GlobalFd fd, String data) {
        return send(fd, data.getBytes(StandardCharsets.UTF_8));
    }

    /** {@link Server#close(int, boolean)} of a connection anywhere in the cluster. */
    default boolean close(GlobalFd fd, boolean reset) {
        var node = ClusterSupport.remote((Server) this, fd);
        return node == null ? close(fd.fd(), reset) : node.close(fd, reset);
    }

    default boolean close(GlobalFd fd) {
        return close(fd, false);
    }

    /** {@link Server#exists(int)} anywhere in the cluster: false at once for a node whose heartbeat expired. */
    default boolean exists(GlobalFd fd) {
        var node = ClusterSupport.remote((Server) this, fd);
        return node == null ? exists(fd.fd()) : node.exists(fd);
    }

    /** {@link Server#getClientInfo(int)} anywhere in the cluster. */
    default Optional<ClientInfo> getClientInfo(GlobalFd fd) {
        var node = ClusterSupport.remote((Server) this, fd);
        return node == null ? getClientInfo(fd.fd()) : node.info(fd);
    }
}
