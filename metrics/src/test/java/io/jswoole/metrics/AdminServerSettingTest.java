package io.jswoole.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.SwooleException;
import io.jswoole.server.Server;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code admin_server} with the module on the class path. */
class AdminServerSettingTest {
    @Test
    void isAcceptedAsHostColonPort() {
        Server server = new Server("127.0.0.1", 0);
        server.set(Map.of("admin_server", "127.0.0.1:9502"));
        assertThat(server.setting()).containsEntry("admin_server", "127.0.0.1:9502");
        assertThatThrownBy(() -> server.set(Map.of("admin_server", "localhost")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
    }

    @Test
    void aServerWhoseAdminAddressIsTakenDoesNotStart() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Server server = new Server("127.0.0.1", 0);
            server.set(Map.of("admin_server", "127.0.0.1:" + taken.getLocalPort()));
            server.onReceive((s, fd, rid, d) -> s.send(fd, d));
            assertThatThrownBy(server::start).isInstanceOf(SwooleException.class)
                    .hasMessageContaining("admin_server");
            assertThat(server.isRunning()).isFalse();
        }
    }
}
