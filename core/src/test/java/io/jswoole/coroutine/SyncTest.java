package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SyncTest {
    @Test
    void waitGroupWaitsForEveryJob() {
        Coroutine.run(() -> {
            WaitGroup wg = new WaitGroup();
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < 5; i++) {
                wg.add();
                int ms = 10 + i * 5;
                Coroutine.go(() -> {
                    Coroutine.sleep(ms / 1000.0);
                    done.incrementAndGet();
                    wg.done();
                });
            }
            assertThat(wg.count()).isEqualTo(5);
            assertThat(wg.await(0.005)).isFalse();
            assertThat(LastError.error()).isEqualTo(ErrorCode.CO_TIMEDOUT);
            assertThat(wg.await(2)).isTrue();
            assertThat(done.get()).isEqualTo(5);
            assertThatThrownBy(wg::done).isInstanceOf(IllegalStateException.class);
        });
    }

    @Test
    void barrierWaitsForEveryHolder() {
        Coroutine.run(() -> {
            Barrier b = Barrier.make();
            AtomicInteger done = new AtomicInteger();
            for (int i = 0; i < 3; i++) {
                b.go(() -> {
                    Coroutine.sleep(0.01);
                    done.incrementAndGet();
                });
            }
            Barrier.Ticket t = b.hold();
            assertThat(b.holders()).isEqualTo(4);
            Coroutine.go(() -> {
                Coroutine.sleep(0.02);
                t.close();
                t.close();
            });
            assertThat(Barrier.wait(b, 2)).isTrue();
            assertThat(done.get()).isEqualTo(3);
            assertThat(b.holders()).isZero();
        });
    }

    @Test
    void lockKeepsOthersOutAcrossWaits() {
        List<String> log = new ArrayList<>();
        Coroutine.run(() -> {
            Lock lock = new Lock();
            for (int i = 0; i < 3; i++) {
                int n = i;
                Coroutine.go(() -> {
                    assertThat(lock.lock()).isTrue();
                    log.add("in" + n);
                    Coroutine.sleep(0.01);
                    log.add("out" + n);
                    assertThat(lock.unlock()).isTrue();
                });
            }
            assertThat(lock.isLocked()).isTrue();
            assertThat(lock.trylock()).isFalse();
            assertThat(lock.unlock()).isFalse();
            assertThat(LastError.error()).isEqualTo(ErrorCode.CO_MUTEX_DOUBLE_UNLOCK);
            assertThat(lock.lock(0.005)).isFalse();
            assertThat(lock.lock(1)).isTrue();
            assertThat(lock.lock()).isTrue();
            assertThat(lock.unlock()).isTrue();
            assertThat(lock.isLocked()).isFalse();
        });
        assertThat(log).containsExactly("in0", "out0", "in1", "out1", "in2", "out2");
    }

    @Test
    void batchParallelAndMap() {
        Coroutine.run(() -> {
            Map<String, Callable<Integer>> tasks = new LinkedHashMap<>();
            tasks.put("fast", () -> {
                Coroutine.sleep(0.01);
                return 1;
            });
            tasks.put("slow", () -> {
                Coroutine.sleep(0.3);
                return 2;
            });
            tasks.put("fails", () -> {
                throw new IllegalStateException("no");
            });
            long t0 = System.nanoTime();
            Map<String, Integer> r = Coroutines.batch(tasks, 0.1);
            assertThat((System.nanoTime() - t0) / 1e6).isLessThan(600);
            assertThat(r).containsEntry("fast", 1).containsEntry("slow", null).containsEntry("fails", null);

            AtomicInteger ran = new AtomicInteger();
            Coroutines.parallel(4, () -> {
                Coroutine.sleep(0.01);
                ran.incrementAndGet();
            });
            assertThat(ran.get()).isEqualTo(4);

            t0 = System.nanoTime();
            List<Integer> squares = Coroutines.map(List.of(1, 2, 3, 4), x -> {
                Coroutine.sleep(0.05);
                return x * x;
            }, -1);
            assertThat(squares).containsExactly(1, 4, 9, 16);
            assertThat((System.nanoTime() - t0) / 1e6).isLessThan(180);
        });
    }
}
