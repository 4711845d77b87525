package io.jswoole.redis;

import static io.jswoole.redis.RedisServer.ERROR;
import static io.jswoole.redis.RedisServer.INT;
import static io.jswoole.redis.RedisServer.MAP;
import static io.jswoole.redis.RedisServer.NIL;
import static io.jswoole.redis.RedisServer.SET;
import static io.jswoole.redis.RedisServer.STATUS;
import static io.jswoole.redis.RedisServer.STRING;
import static io.jswoole.redis.RedisServer.format;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Swoole's format() byte for byte, setHandler's rules, and a port without the Redis protocol. */
class RedisServerApiTest {
    @Test
    void formatWritesWhatSwooleWrites() {
        assertThat(format(NIL, null)).isEqualTo("$-1\r\n");
        assertThat(format(ERROR, null)).isEqualTo("-ERR\r\n");
        assertThat(format(ERROR, "WRONGTYPE no")).isEqualTo("-WRONGTYPE no\r\n");
        assertThat(format(STATUS, null)).isEqualTo("+OK\r\n");
        assertThat(format(STATUS, "QUEUED")).isEqualTo("+QUEUED\r\n");
        assertThat(format(INT, 42)).isEqualTo(":42\r\n");
        assertThat(format(INT, "-7")).isEqualTo(":-7\r\n");
        assertThat(format(STRING, "")).isEqualTo("$0\r\n\r\n");
        assertThat(format(STRING, "héllo")).isEqualTo("$6\r\nhéllo\r\n");
        assertThat(format(SET, Arrays.asList("a", 1, true, List.of("b"), null)))
                .isEqualTo("*5\r\n$1\r\na\r\n:1\r\n:1\r\n*1\r\n$1\r\nb\r\n$-1\r\n");
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("k", "v");
        m.put(2, List.of());
        assertThat(format(MAP, m)).isEqualTo("*4\r\n$1\r\nk\r\n$1\r\nv\r\n$1\r\n2\r\n*0\r\n");
        for (int type : new int[] {INT, STRING, SET, MAP}) {
            assertThatThrownBy(() -> format(type, null)).hasMessageContaining("requires more parameters");
        }
        assertThatThrownBy(() -> format(9, "x")).hasMessageContaining("unknown type 9");
    }

    @Test
    void handlersAreCaseInsensitiveAndNamesBounded() {
        RedisServer s = new RedisServer("127.0.0.1", 0);
        Handler h = (fd, a) -> Reply.OK;
        assertThat(s.setHandler("Get", h)).isTrue();
        assertThat(s.getHandler("GET")).isSameAs(h);
        Handler h2 = (fd, a) -> Reply.NIL;
        s.setHandler("get", h2);
        assertThat(s.getHandler("get")).isSameAs(h2);
        assertThatThrownBy(() -> s.setHandler("x".repeat(64), h)).hasMessageContaining("1 to 63 bytes, got 64");
        assertThatThrownBy(() -> s.setHandler("", h)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.set(Map.of("open_redis_protocol", false)))
                .hasMessageContaining("'open_redis_protocol' is always true");
        assertThatThrownBy(() -> new Server("127.0.0.1", 0).set(Map.of("open_redis_protocol", true)))
                .hasMessageContaining("'open_redis_protocol' belongs to RedisServer");
    }

    @Test
    void aPortWithoutTheRedisProtocolGetsReceiveEvents() throws Exception {
        RedisServer s = new RedisServer("127.0.0.1", 0);
        s.set(Map.of("worker_num", 1));
        var plain = s.listen("127.0.0.1", 0, SockType.TCP);
        plain.onReceive((srv, fd, rid, data) -> srv.send(fd, "raw " + new String(data)));
        var second = s.listen("127.0.0.1", 0, SockType.TCP);
        second.set(Map.of("open_redis_protocol", true));
        s.setHandler("HI", (fd, a) -> Reply.status("HELLO"));
        Thread.ofPlatform().start(s::start);
        assertThat(s.awaitStarted(10, TimeUnit.SECONDS)).isTrue();
        try {
            assertThat(talk(plain.port(), "HI\r\n", 8)).isEqualTo("raw HI\r\n");
            assertThat(talk(second.port(), "HI\r\n", 8)).isEqualTo("+HELLO\r\n");
            assertThat(talk(s.port(), "HI\r\n", 8)).isEqualTo("+HELLO\r\n");
        } finally {
            s.shutdown();
            assertThat(s.awaitStopped(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static String talk(int port, String request, int n) throws Exception {
        try (Socket c = new Socket()) {
            c.setSoTimeout(5000);
            c.connect(new InetSocketAddress("127.0.0.1", port));
            c.getOutputStream().write(request.getBytes());
            return new String(c.getInputStream().readNBytes(n));
        }
    }
}
