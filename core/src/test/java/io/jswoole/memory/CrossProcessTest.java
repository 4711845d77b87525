package io.jswoole.memory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Tests with a second JVM attached to this one's segments (see {@link ShmChild}). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossProcessTest {
    @BeforeAll
    static void needsDevShm() {
        assumeThat(SharedMemory.directory()).as("file-backed shared memory").isNotNull();
    }

    @Test
    void incrFromTwoProcessesGivesExactTotals() throws Exception {
        Table t = ShmChild.counterTable("xp-counter");
        Atomic a = new Atomic("xp-total", 0);
        AtomicLong l = new AtomicLong("xp-long", 0);
        Lock lock = new Lock("xp-lock", Lock.Type.MUTEX);
        t.set("locked", Map.of("n", 0));
        int n = 100_000;
        try (ChildProcess child = ChildProcess.start("incr", Integer.toString(n))) {
            child.awaitReady();
            for (int i = 0; i < n; i++) {
                t.incr("k", "n");
                t.incr("k" + (i % 50), "n");
                a.add();
                l.add(3);
                if (i % 10 == 0) {
                    lock.lock();
                    long v = (Long) t.get("locked", "n");
                    t.set("locked", Map.of("n", v + 1));
                    lock.unlock();
                }
            }
            assertThat(child.waitFor(30)).isZero();
        } finally {
            assertThat(t.get("k", "n")).isEqualTo(2L * n);
            long sum = 0;
            for (int k = 0; k < 50; k++) {
                sum += (Long) t.get("k" + k, "n");
            }
            assertThat(sum).isEqualTo(2L * n);
            assertThat(a.get()).isEqualTo(2L * n);
            assertThat(l.get()).isEqualTo(6L * n);
            assertThat(t.get("locked", "n")).isEqualTo(2L * (n / 10));
            assertThat(t.count()).isEqualTo(52);
            t.destroy();
            a.destroy();
            l.destroy();
            lock.destroy();
        }
    }

    @Test
    void killedChildHoldingARowLockDoesNotBlockTheParentForLong() throws Exception {
        Table t = ShmChild.counterTable("xp-crash");
        try (ChildProcess child = ChildProcess.start("holdrow", "victim")) {
            child.awaitReady();
            CompletableFuture<Long> blocked = CompletableFuture.supplyAsync(() -> t.incr("victim", "n"));
            Thread.sleep(300);
            assertThat(blocked).as("the row is locked by the child").isNotDone();
            child.kill9();
            long start = System.nanoTime();
            assertThat(blocked.get(5, TimeUnit.SECONDS)).isEqualTo(1L);
            assertThat(t.incr("victim", "n")).isEqualTo(2L);
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(elapsedMs).as("recovery time in ms").isLessThan(2_000);
        } finally {
            t.destroy();
        }
    }

    @Test
    void killedChildHoldingALockDoesNotBlockTheParentForLong() throws Exception {
        Lock lock = new Lock("xp-held", Lock.Type.MUTEX);
        try (ChildProcess child = ChildProcess.start("holdlock", "MUTEX")) {
            child.awaitReady();
            assertThat(OwnerLock.ownerPid(lock.word())).isEqualTo(child.process.pid());
            assertThat(lock.trylock()).isFalse();
            assertThat(lock.lockwait(0.1)).isFalse();
            child.kill9();
            long start = System.nanoTime();
            assertThat(lock.lockwait(5.0)).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
            assertThat(OwnerLock.ownerPid(lock.word())).isEqualTo(ProcessHandle.current().pid());
            assertThat(lock.unlock()).isTrue();
        } finally {
            lock.destroy();
        }
    }

    @Test
    void killedChildHoldingAReadLockDoesNotBlockWritersForLong() throws Exception {
        Lock lock = new Lock("xp-held", Lock.Type.RWLOCK);
        try (ChildProcess child = ChildProcess.start("holdlock", "RWLOCK", "read")) {
            child.awaitReady();
            assertThat(lock.trylockRead()).isTrue();
            assertThat(lock.unlock()).isTrue();
            assertThat(lock.lockwait(0.1)).isFalse();
            child.kill9();
            assertThat(lock.lockwait(5.0)).isTrue();
            assertThat(lock.unlock()).isTrue();
        } finally {
            lock.destroy();
        }
    }

    @Test
    void iterationWhileAnotherProcessWrites() throws Exception {
        Table t = ShmChild.counterTable("xp-iter");
        for (int i = 0; i < 100; i++) {
            t.set("stable" + i, Map.of("n", i, "s", "x"));
        }
        try (ChildProcess child = ChildProcess.start("churn", "1500")) {
            child.awaitReady();
            int rounds = 0;
            while (child.process.isAlive() || rounds == 0) {
                Set<String> keys = new HashSet<>();
                int stable = 0;
                for (Map.Entry<String, Map<String, Object>> e : t) {
                    assertThat(keys.add(e.getKey())).isTrue();
                    if (e.getKey().startsWith("churn-")) {
                        Map<String, Object> row = e.getValue();
                        assertThat(row.get("s")).isEqualTo(row.get("n").toString());
                        assertThat((Double) row.get("f")).isEqualTo(((Long) row.get("n")).doubleValue());
                    } else {
                        stable++;
                    }
                }
                assertThat(stable).isEqualTo(100);
                rounds++;
            }
            assertThat(child.waitFor(30)).isZero();
            assertThat(rounds).isGreaterThan(1);
            assertThat(t.stats().get("insert_count")).isGreaterThan(100L);
        } finally {
            t.destroy();
        }
    }

    @Test
    void attachingWithOtherColumnsIsAClearError() throws Exception {
        Table t = ShmChild.counterTable("xp-counter");
        try (ChildProcess child = ChildProcess.start("mismatch")) {
            assertThat(child.waitFor(30)).isEqualTo(3);
        } finally {
            t.destroy();
        }
    }
}
