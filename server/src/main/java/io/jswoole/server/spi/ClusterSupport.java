package io.jswoole.server.spi;

import io.jswoole.server.ClientInfo;
import io.jswoole.server.GlobalFd;
import io.jswoole.server.Server;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.WeakHashMap;

/**
 * The cluster face behind {@code cluster_redis}: a {@link Provider} found with {@link ServiceLoader} (the module
 * {@code jswoole-cluster} has one, on Lettuce) so that the server never depends on a Redis client. {@link Server}
 * starts a {@link Node} in every JVM of a server whose settings name {@code cluster_redis} (BASE, THREAD, the
 * PROCESS master and each worker JVM) and stops it after the server stops; {@code send}, {@code close},
 * {@code exists}, {@code getClientInfo} and WebSocket {@code push} of a {@link GlobalFd} of another node go to it.
 */
public final class ClusterSupport {
    /** Started nodes by server; weak so a server that was never stopped does not stay reachable. */
    private static final Map<Server, Node> NODES = Collections.synchronizedMap(new WeakHashMap<>());

    private ClusterSupport() {
    }

    /** The settings of one node, checked by the server's settings. */
    public record Config(String redisUrl, String nodeId, double heartbeatTtlSeconds) {
    }

    /** Makes nodes; one per JVM of a server. */
    public interface Provider {
        /**
         * Joins the cluster. {@code owner}: whether this JVM owns the connections (BASE, THREAD, the PROCESS
         * master): only there does the node take requests for its fds and heartbeat. Never fails because Redis is
         * down: the node logs why and keeps trying, while the server serves its own connections.
         */
        Node start(Server server, Config config, boolean owner);
    }

    /** One JVM's part in the cluster. Remote calls park only the calling coroutine, for a bounded time. */
    public interface Node {
        String nodeId();

        /** Raw bytes to a connection of another node; false when it is gone, its node is dead or Redis is down. */
        boolean send(GlobalFd to, byte[] data);

        /** A WebSocket frame to a connection of another node. */
        boolean push(GlobalFd to, byte[] data, int opcode, int flags);

        boolean close(GlobalFd to, boolean reset);

        /** Asks the node that holds {@code fd}; false at once when its heartbeat has expired. */
        boolean exists(GlobalFd fd);

        Optional<ClientInfo> info(GlobalFd fd);

        /** {@code bind(fd, uid)} succeeded on this node: the uid now names this node's {@code fd} cluster-wide. */
        void bound(int fd, long uid);

        /** Leaves the cluster (its registry entries go) and closes the Redis connections. */
        void stop();
    }

    /**
     * Called by {@link Server#start()}: starts this JVM's node when {@code cluster_redis} is set, else nothing.
     *
     * @throws IllegalArgumentException naming {@code cluster_redis} when no provider is on the class path
     */
    public static void start(Server server, Config config, boolean owner) {
        if (config.redisUrl() == null) {
            return; // not in a cluster
        }
        Provider p = ServiceLoader.load(Provider.class, ClusterSupport.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("setting 'cluster_redis' needs the module "
                        + "jswoole-cluster (io.jswoole:jswoole-cluster) on the class path"));
        NODES.put(server, p.start(server, config, owner));
    }

    /** {@code bind(fd, uid)} succeeded: in a cluster the uid also names this connection on every node; true. */
    public static boolean bound(Server server, int fd, long uid) {
        Node n = NODES.get(server);
        if (n != null) {
            n.bound(fd, uid);
        }
        return true;
    }

    /** Called by {@link Server} after it stopped. */
    public static void stop(Server server) {
        Node n = NODES.remove(server);
        if (n != null) {
            n.stop();
        }
    }

    /**
     * The node to ask about {@code fd}: null when it is one of this server's own (the local path).
     *
     * @throws IllegalStateException when {@code server} is not in a cluster (or not started)
     */
    public static Node remote(Server server, GlobalFd fd) {
        Node n = NODES.get(server);
        if (n == null) {
            throw new IllegalStateException("global fd " + fd + ": this server is not in a cluster (set cluster_redis "
                    + "and cluster_node_id) or has not started");
        }
        return n.nodeId().equals(fd.node()) ? null : n;
    }

    /** The node of {@code server}, or empty when it is not in a cluster (or not started). */
    public static Optional<Node> node(Server server) {
        return Optional.ofNullable(NODES.get(server));
    }
}
