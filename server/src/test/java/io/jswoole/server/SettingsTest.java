package io.jswoole.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private final Server server = new Server("127.0.0.1", 0);

    @Test
    void unknownKeyIsRejectedWithTheNearestKnownKey() {
        assertThatThrownBy(() -> server.set(Map.of("worker_nun", 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting 'worker_nun'").hasMessageContaining("worker_num");
    }

    @Test
    void swooleKeyOfALaterReleaseIsRejectedAsNotSupportedYet() {
        assertThatThrownBy(() -> server.set(Map.of("task_tmpdir", "/srv")))
                .hasMessageContaining("'task_tmpdir' is not supported yet");
        assertThatThrownBy(() -> server.set(Map.of("tcp_fastopen", true)))
                .hasMessageContaining("not supported yet");
        assertThatThrownBy(() -> server.set(Map.of("document_root", "/tmp")))
                .hasMessageContaining("'document_root' belongs to HttpServer");
    }

    @Test
    void wrongTypeAndRangeNameTheKey() {
        assertThatThrownBy(() -> server.set(Map.of("worker_num", "four")))
                .hasMessageContaining("'worker_num' must be an integer");
        assertThatThrownBy(() -> server.set(Map.of("dispatch_mode", 7)))
                .hasMessageContaining("'dispatch_mode' 7");
        assertThatThrownBy(() -> server.set(Map.of("enable_coroutine", "yes")))
                .hasMessageContaining("'enable_coroutine' must be a boolean");
        assertThatThrownBy(() -> server.set(Map.of("log_level", 9)))
                .hasMessageContaining("'log_level'");
        assertThatThrownBy(() -> server.set(Map.of("dispatch_func", "f")))
                .hasMessageContaining("'dispatch_func' must be a DispatchFunction");
    }

    @Test
    void aliasesAreStoredUnderTheCanonicalName() {
        server.set(Map.of("max_connection", 100, "max_coro_num", 50));
        assertThat(server.setting()).containsEntry("max_conn", 100).containsEntry("max_coroutine", 50)
                .doesNotContainKey("max_connection");
    }

    @Test
    void portKeysGoToTheMainPortAndServerKeysAreRefusedOnAPort() {
        server.set(Map.of("backlog", 64, "worker_num", 1));
        assertThat(server.ports().get(0).setting()).containsEntry("backlog", 64);
        Port extra = server.addListener("127.0.0.1", 0, SockType.TCP);
        assertThatThrownBy(() -> extra.set(Map.of("worker_num", 2)))
                .hasMessageContaining("'worker_num' is a server setting");
    }

    @Test
    void typedBuilderValidatesLikeTheMap() {
        server.set(ServerOptions.create().workerNum(3).dispatchMode(4).startSessionId(10));
        assertThat(server.setting()).containsEntry("worker_num", 3).containsEntry("dispatch_mode", 4);
        assertThatThrownBy(() -> server.set(ServerOptions.create().maxConn(0)))
                .hasMessageContaining("'max_conn'");
    }

    @Test
    void commandLineValuesAreTypedAsSetWouldTypeThem() {
        assertThat(Settings.parse("worker_num", "4")).isEqualTo(4);
        assertThat(Settings.parse("enable_coroutine", "false")).isEqualTo(false);
        assertThat(Settings.parse("log_file", "a\\tb\\r\\n\\x41")).isEqualTo("a\tb\r\nA");
        assertThat(Settings.size("package_max_length", "2M")).isEqualTo(2L << 20);
        assertThatThrownBy(() -> Settings.parse("dispatch_func", "x")).hasMessageContaining("Java function");
    }

    @Test
    void reloadOutsideProcessModeFailsWithAClearError() {
        assertThat(server.reload()).isFalse();
        assertThat(io.jswoole.LastError.error()).isEqualTo(io.jswoole.ErrorCode.OPERATION_NOT_SUPPORT);
    }

    @Test
    void startWithoutAReceiveCallbackFails() {
        assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("receive callback");
    }
}
