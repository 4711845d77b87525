package io.jswoole.server;

import io.jswoole.server.config.ServerConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every server setting has one default, in {@link ServerConfig}, and every key accepted changes it. */
class ServerConfigTest {

    @Test
    void everyServerKeyAcceptedChangesTheConfigOrIsRefusedByName() {
        List<String> serverKeys = Settings.supportedKeys().stream()
                .filter(k -> Settings.key(k).scope() == Settings.Scope.SERVER).sorted().toList();
        assertThat(serverKeys).hasSize(ServerConfig.class.getRecordComponents().length - 1); // less the mode
        for (String key : serverKeys) {
            boolean changed = false;
            int accepted = 0;
            for (Mode mode : Mode.values()) {
                ServerConfig defaults = ServerConfig.of(mode, Map.of());
                for (Object value : candidates(Settings.key(key))) {
                    try {
                        changed |= !ServerConfig.of(mode, Settings.validate(Map.of(key, value))).equals(defaults);
                        accepted++;
                    } catch (IllegalArgumentException refused) {
                        assertThat(refused).as(mode + " refuses " + key).hasMessageContaining("'" + key + "'");
                    }
                }
            }
            // refused by name for every value is allowed (admin_server without jswoole-metrics on this class path)
            assertThat(accepted == 0 || changed).as("setting '%s' leaves the config as it was: accepted and ignored",
                    key).isTrue();
        }
    }

    /** Values of the key's type and range; at least one differs from any default. */
    private static List<Object> candidates(Settings.Key k) {
        return switch (k.type()) {
            case BOOL -> List.of(true, false);
            case INT -> java.util.stream.LongStream.of(k.min(), k.min() + 1, k.min() + 2, Math.min(k.max(), 7))
                    .filter(v -> v <= k.max()).distinct().mapToObj(v -> (Object) (int) v).toList();
            case SIZE -> List.of(12_345L);
            case DOUBLE -> List.of(1.5);
            case STRING -> List.of("/tmp/jswoole-config-test", "127.0.0.1:9502");
            case FUNCTION -> List.of((DispatchFunction) (server, fd, type, data) -> 0);
            case SNI_CERTS -> List.of(Map.of("a.test", Map.of("ssl_cert_file", "c.pem", "ssl_key_file", "k.pem")));
        };
    }

    @Test
    void defaultsAreSwoolesAsTheReadmeSays() {
        int cpus = Runtime.getRuntime().availableProcessors();
        ServerConfig c = ServerConfig.of(Mode.THREAD, Map.of());
        assertThat(c.workerNum()).isEqualTo(cpus);
        assertThat(c.reactorNum()).isEqualTo(Math.min(cpus, 8));
        assertThat(c.dispatchMode()).isEqualTo(2);
        assertThat(c.maxWaitTime()).isEqualTo(3);
        assertThat(c.enableCoroutine()).isTrue();
        assertThat(c.maxCoroutine()).isEqualTo(100_000);
        assertThat(c.taskIpcMode()).isEqualTo(1);
        assertThat(c.startSessionId()).isEqualTo(0);
        assertThat(c.bufferOutputSize()).isEqualTo(Integer.MAX_VALUE);
        assertThat(ServerConfig.of(Mode.THREAD, Settings.validate(Map.of("worker_num", 0))).workerNum())
                .isEqualTo(cpus);
        ServerConfig p = ServerConfig.of(Mode.PROCESS, Settings.validate(Map.of("max_request", 100,
                "task_max_request", 8)));
        assertThat(p.maxRequestGrace()).as("max_request / 2").isEqualTo(50);
        assertThat(p.taskMaxRequestGrace()).as("none at 10 or less").isZero();
        assertThat(ServerConfig.of(Mode.PROCESS, Settings.validate(Map.of("task_enable_coroutine", true)))
                .taskObject()).as("task_enable_coroutine implies task objects").isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_request", "max_request_grace", "reload_async", "task_max_request",
            "task_max_request_grace", "user", "group", "chroot"})
    void keysForWorkerJvmsAreRefusedInBaseAndThreadByName(String key) {
        Settings.Key k = Settings.key(key);
        Object value = k.type() == Settings.Type.BOOL ? (Object) true
                : k.type() == Settings.Type.STRING ? "/tmp" : (Object) 5;
        for (Mode mode : new Mode[] {Mode.BASE, Mode.THREAD}) {
            Server s = new Server("127.0.0.1", 0, mode);
            s.set(Map.of(key, value));
            s.onReceive((srv, fd, rid, d) -> { });
            assertThatThrownBy(s::start).as(mode.toString()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + key + "'").hasMessageContaining("Mode.PROCESS");
            assertThat(s.isRunning()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void sendYieldNeedsAStickyDispatchModeInThreadModeAndIsRefusedInProcessMode(Mode mode) {
        Map<String, Object> s = Settings.validate(Map.of("send_yield", true, "dispatch_mode", 1));
        switch (mode) {
            case THREAD -> assertThatThrownBy(() -> ServerConfig.of(mode, s)).hasMessageContaining("'send_yield'")
                    .hasMessageContaining("dispatch_mode 2 or 4");
            case PROCESS -> assertThatThrownBy(() -> ServerConfig.of(mode, s)).hasMessageContaining("'send_yield'")
                    .hasMessageContaining("Mode.BASE or Mode.THREAD");
            case BASE -> assertThat(ServerConfig.of(mode, s).sendYield()).isTrue();
        }
    }
}
