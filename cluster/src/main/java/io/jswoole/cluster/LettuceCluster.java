package io.jswoole.cluster;

import io.jswoole.server.Server;
import io.jswoole.server.spi.ClusterSupport;

/** The {@link ClusterSupport.Provider} of this module (found by the server through {@link java.util.ServiceLoader}). */
public final class LettuceCluster implements ClusterSupport.Provider {
    @Override
    public ClusterSupport.Node start(Server server, ClusterSupport.Config config, boolean owner) {
        return new RedisNode(server, config, owner);
    }
}
