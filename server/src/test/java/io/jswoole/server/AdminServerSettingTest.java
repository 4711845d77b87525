package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code admin_server} without the module jswoole-metrics (this module's tests do not have it). */
class AdminServerSettingTest {
    @Test
    void isRefusedByNameWhenNoAdminServiceIsOnTheClassPath() {
        Server server = new Server("127.0.0.1", 0);
        assertThatThrownBy(() -> server.set(Map.of("admin_server", "127.0.0.1:9502")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("admin_server").hasMessageContaining("jswoole-metrics");
        assertThat(server.setting()).doesNotContainKey("admin_server");
    }

    @Test
    void mustBeHostColonPort() {
        Server server = new Server("127.0.0.1", 0);
        for (String bad : new String[] {"9502", "127.0.0.1", "127.0.0.1:http", "127.0.0.1:70000", ":9502"}) {
            assertThatThrownBy(() -> server.set(Map.of("admin_server", bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        }
    }

    @Test
    void aServerWithoutItHasNoAdminListener() throws Exception {
        try (Running r = Running.start(new Server("127.0.0.1", 0).onReceive((s, fd, rid, d) -> s.send(fd, d)))) {
            assertThat(r.server.adminAddress()).isEmpty();
        }
    }
}
