package io.jswoole.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.coroutine.WaitGroup;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConnectionPoolTest {
    private static final String URL = "jdbc:postgresql://" + env("PGHOST", "127.0.0.1") + ":" + env("PGPORT", "5432")
            + "/" + env("PGDATABASE", "jswoole");
    private static final String USER = env("PGUSER", "jswoole");
    private static final String PASSWORD = env("PGPASSWORD", "jswoole");

    private static String env(String k, String def) {
        String v = System.getenv(k);
        return v == null || v.isEmpty() ? def : v;
    }

    @Test
    void getPutDiscardTimeoutAndClose() {
        AtomicInteger made = new AtomicInteger();
        Set<Integer> closed = ConcurrentHashMap.newKeySet();
        Coroutine.run(() -> {
            ConnectionPool<Integer> pool = new ConnectionPool<>(made::incrementAndGet, 2, closed::add);
            Integer a = pool.get(1);
            Integer b = pool.get(1);
            assertThat(pool.created()).isEqualTo(2);
            assertThat(pool.get(0.01)).isNull();
            assertThat(LastError.error()).isEqualTo(ErrorCode.CO_TIMEDOUT);
            Coroutine.go(() -> {
                Coroutine.sleep(0.01);
                pool.put(a);
            });
            assertThat(pool.get(1)).isEqualTo(a);
            pool.discard(b);
            assertThat(closed).containsExactly(b);
            assertThat(pool.get(1)).isEqualTo(3);
            pool.put(a);
            pool.close();
            assertThat(closed).contains(a);
            assertThat(pool.get(0.01)).isNull();
        });
    }

    @Test
    void twoHundredCoroutinesShareTenPostgresConnections() throws Exception {
        if (!reachable()) {
            if ("true".equals(System.getenv("CI"))) {
                fail("PostgreSQL unreachable at " + URL + " as " + USER + " (.ci/run installs and starts it)");
            }
            assumeTrue(false, "PostgreSQL not reachable at " + URL);
        }
        AtomicInteger ok = new AtomicInteger();
        long[] ms = new long[1];
        Coroutine.run(() -> {
            ConnectionPool<Connection> pool = new ConnectionPool<>(() -> DriverManager.getConnection(URL, USER,
                    PASSWORD), 10);
            WaitGroup wg = new WaitGroup();
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                wg.add();
                Coroutine.go(() -> {
                    Connection c = pool.get(10);
                    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select pg_sleep(0.05)")) {
                        rs.next();
                        ok.incrementAndGet();
                        pool.put(c);
                    } catch (SQLException e) {
                        pool.discard(c);
                    } finally {
                        wg.done();
                    }
                });
            }
            wg.await();
            ms[0] = (System.nanoTime() - t0) / 1_000_000;
            assertThat(pool.created()).isEqualTo(10);
            pool.close();
        });
        assertThat(ok.get()).isEqualTo(200);
        // serial would be 200 x 50 ms = 10 s; 10 connections in parallel: about 1 s
        assertThat(ms[0]).isBetween(950L, 3000L);
    }

    private static boolean reachable() {
        try (Connection c = DriverManager.getConnection(URL, USER, PASSWORD)) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }
}
