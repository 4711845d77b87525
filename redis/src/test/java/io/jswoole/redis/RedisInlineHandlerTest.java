package io.jswoole.redis;

import static io.jswoole.redis.RedisServerTest.expect;
import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.server.Mode;
import io.jswoole.server.Probe;
import io.jswoole.server.Recipe;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RedisServer#setInlineHandler}: in BASE mode the command runs on the connection's event loop once the
 * connection's first command has reached the worker and nothing before it waits; in THREAD and PROCESS mode, and
 * behind a waiting command, it runs in a worker. Replies keep request order either way, and the replies of one
 * read leave in one buffer of bounded size.
 */
class RedisInlineHandlerTest {
    /** The server of these tests: inline QSET, QGET, QINCR, WHERE, FD and BIG; SLEEP and WFD as usual handlers. */
    public static final class Store implements Recipe {
        static final Map<String, String> DATA = new ConcurrentHashMap<>();
        static final AtomicLong COUNTER = new AtomicLong();

        @Override
        public Server create(String host, Mode mode, SockType type) {
            return new RedisServer(host, 0, mode);
        }

        @Override
        public void build(Server server, Probe probe) {
            RedisServer s = (RedisServer) server;
            DATA.clear();
            COUNTER.set(0);
            s.setInlineHandler("QSET", (fd, a) -> {
                DATA.put(a.get(0), a.get(1));
                return Reply.OK;
            });
            s.setInlineHandler("QGET", (fd, a) -> DATA.containsKey(a.get(0)) ? Reply.bulk(DATA.get(a.get(0)))
                    : Reply.NIL);
            s.setInlineHandler("QINCR", (fd, a) -> Reply.integer(COUNTER.incrementAndGet()));
            // where the handler runs: a coroutine of a worker, or the event loop itself
            s.setInlineHandler("WHERE", (fd, a) -> Reply.status(Coroutine.getCid() > 0 ? "coroutine" : "loop"));
            s.setInlineHandler("FD", (fd, a) -> Reply.integer(fd));
            s.setHandler("WFD", (fd, a) -> Reply.integer(fd));
            s.setInlineHandler("BIG", (fd, a) -> Reply.bulk("x".repeat((int) a.getLong(0))));
            s.setHandler("SLEEP", (fd, a) -> {
                Coroutine.sleep(a.getLong(0) / 1000.0);
                return Reply.status("SLEPT");
            });
        }
    }

    @Test
    void anInlineHandlerIsTheHandlerOfItsName() {
        RedisServer s = new RedisServer("127.0.0.1", 0);
        Handler h = (fd, a) -> Reply.OK;
        s.setInlineHandler("quick", h);
        assertThat(s.getHandler("QUICK")).isSameAs(h);
        s.setHandler("QUICK", (fd, a) -> Reply.NIL);
        assertThat(s.getHandler("quick")).isNotSameAs(h);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void inlineCommandsRunOnTheLoopInBaseOnlyAndRepliesKeepRequestOrder(Mode mode) throws Exception {
        try (RedisServerTest.Up up = RedisServerTest.Up.start(mode, Map.of("worker_num", 1), Store.class);
                Socket c = up.connect()) {
            // the first command reaches a worker (the connection learns its fd there); behind SLEEP, WHERE waits
            // its turn in a worker too, and its reply still comes after SLEEP's
            expect(c, "QSET a 1\r\nSLEEP 200\r\nQGET a\r\nWHERE\r\n", "+OK\r\n+SLEPT\r\n$1\r\n1\r\n+coroutine\r\n");
            expect(c, "WHERE\r\n", mode == Mode.BASE ? "+loop\r\n" : "+coroutine\r\n");
            // the fd an inline handler gets is the connection's
            c.getOutputStream().write("WFD\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String fd = RedisServerTest.readUntil(c, "\r\n");
            expect(c, "FD\r\n", fd);
            // behind a waiting command, inline commands queue and answer in order
            expect(c, "SLEEP 100\r\nQINCR\r\nQINCR\r\nSLEEP 50\r\nQINCR\r\n",
                    "+SLEPT\r\n:1\r\n:2\r\n+SLEPT\r\n:3\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aLongPipelineWithLargeRepliesIsAnsweredWholeAndInOrder(Mode mode) throws Exception {
        try (RedisServerTest.Up up = RedisServerTest.Up.start(mode, Map.of("worker_num", 1), Store.class);
                Socket c = up.connect()) {
            expect(c, "PING\r\n", "+PONG\r\n");
            StringBuilder request = new StringBuilder();
            StringBuilder replies = new StringBuilder();
            String big = "x".repeat(100_000); // over the 64 KiB at which gathered replies go out
            for (int i = 1; i <= 3000; i++) {
                request.append("*1\r\n$5\r\nQINCR\r\n");
                replies.append(':').append(i).append("\r\n");
                if (i % 1000 == 0) {
                    request.append("BIG 100000\r\n");
                    replies.append("$100000\r\n").append(big).append("\r\n");
                }
            }
            expect(c, request.toString(), replies.toString());
            expect(c, "QINCR\r\n", ":3001\r\n");
        }
    }
}
