package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cluster keys are checked like every key, and {@code cluster_redis} without the module jswoole-cluster on the
 * class path (as here, in the server module) is refused at start, by name; {@link GlobalFd} prints and parses.
 */
class ClusterSettingTest {

    @Test
    void clusterRedisWithoutTheModuleIsRefusedAtStartByName() {
        Server s = new Server("127.0.0.1", 0);
        s.onReceive((x, fd, r, d) -> { });
        s.set(Map.of("cluster_redis", "redis://127.0.0.1:6379", "cluster_node_id", "a"));
        assertThatThrownBy(s::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'cluster_redis'").hasMessageContaining("jswoole-cluster");
        assertThat(s.isRunning()).isFalse();
    }

    @Test
    void badValuesAndMissingPartnersNameTheKey() {
        assertThatThrownBy(() -> new Server("127.0.0.1", 0).set(Map.of("cluster_redis", "127.0.0.1:6379")))
                .hasMessageContaining("'cluster_redis'").hasMessageContaining("redis://");
        assertThatThrownBy(() -> new Server("127.0.0.1", 0).set(Map.of("cluster_node_id", "a#1")))
                .hasMessageContaining("'cluster_node_id'");
        assertThatThrownBy(() -> new Server("127.0.0.1", 0).set(Map.of("cluster_heartbeat_ttl", 0.5)))
                .hasMessageContaining("'cluster_heartbeat_ttl'");
        Server s = new Server("127.0.0.1", 0);
        s.onReceive((x, fd, r, d) -> { });
        s.set(Map.of("cluster_redis", "redis://127.0.0.1:6379"));
        assertThatThrownBy(s::start).hasMessageContaining("'cluster_redis' needs 'cluster_node_id'");
        Server t = new Server("127.0.0.1", 0);
        t.onReceive((x, fd, r, d) -> { });
        t.set(Map.of("cluster_node_id", "a"));
        assertThatThrownBy(t::start).hasMessageContaining("'cluster_node_id' needs 'cluster_redis'");
    }

    @Test
    void aGlobalFdPrintsAndParses() {
        GlobalFd fd = GlobalFd.parse("node-1#17");
        assertThat(fd).isEqualTo(new GlobalFd("node-1", 17));
        assertThat(fd.toString()).isEqualTo("node-1#17");
        for (String bad : new String[] {"17", "#17", "a#", "a#x", "a#0", "a b#1", "a#-3"}) {
            assertThatThrownBy(() -> GlobalFd.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aGlobalFdOfAnotherNodeOutsideAClusterIsRefused() throws Exception {
        Server s = new Server("127.0.0.1", 0);
        s.onReceive((x, fd, r, d) -> { });
        try (Running r = Running.start(s)) {
            assertThatThrownBy(() -> s.send(new GlobalFd("b", 1), "x")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("not in a cluster");
        }
    }
}
