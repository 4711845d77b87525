package io.jswoole.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import io.jswoole.coroutine.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimerTest {
    @Test
    void afterTickClearInfoAndList() {
        List<String> log = new ArrayList<>();
        Coroutine.run(() -> {
            long once = Timer.after(20, () -> log.add("after"));
            AtomicInteger ticks = new AtomicInteger();
            long tick = Timer.tick(10, id -> {
                if (ticks.incrementAndGet() == 3) {
                    Timer.clear(id);
                    log.add("tick x3");
                }
            });
            long never = Timer.after(50, () -> log.add("never"));
            assertThat(Timer.exists(once)).isTrue();
            assertThat(Timer.list()).containsExactly(once, tick, never);
            assertThat(Timer.info(tick).orElseThrow().interval()).isEqualTo(10);
            assertThat(Timer.clear(never)).isTrue();
            assertThat(Timer.clear(never)).isFalse();
            assertThat(Timer.info(never)).isEmpty();
        });
        // run returned only after the last timer was gone
        assertThat(log).containsExactlyInAnyOrder("after", "tick x3");
        assertThat(Timer.stats().initialized()).isTrue();
    }

    @Test
    void wheelNeverFiresEarlyAndWakesManySleepersInBatches() {
        AtomicLong early = new AtomicLong();
        AtomicInteger woke = new AtomicInteger();
        long t0 = System.nanoTime();
        Coroutine.set(java.util.Map.of("max_coroutine", 200_000));
        try {
            Coroutine.run(() -> {
                for (int i = 0; i < 20_000; i++) {
                    int ms = 1 + i % 97;
                    Coroutine.go(() -> {
                        long start = System.nanoTime();
                        Coroutine.sleep(ms / 1000.0);
                        if (System.nanoTime() - start < ms * 1_000_000L) {
                            early.incrementAndGet();
                        }
                        woke.incrementAndGet();
                    });
                }
            });
        } finally {
            Coroutine.set(java.util.Map.of("max_coroutine", 100_000));
        }
        assertThat(early.get()).isZero();
        assertThat(woke.get()).isEqualTo(20_000);
        assertThat((System.nanoTime() - t0) / 1e6).isLessThan(3000);
    }

    @Test
    void timersOfAClosedSchedulerAreCleared() {
        Scheduler s = Scheduler.serial("timer-close");
        AtomicInteger fired = new AtomicInteger();
        long[] id = new long[1];
        s.execute(() -> id[0] = Timer.tick(5, t -> fired.incrementAndGet()));
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (fired.get() < 2 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        s.close();
        assertThat(fired.get()).isGreaterThanOrEqualTo(2);
        assertThat(Timer.exists(id[0])).isFalse();
    }

    @Test
    void farDeadlinesSurviveWheelRounds() {
        TimerWheel wheel = new TimerWheel(Runnable::run, null);
        // fired on the ticker's thread
        List<Long> fired = new java.util.concurrent.CopyOnWriteArrayList<>();
        long now = System.nanoTime();
        TimerWheel.Node near = node(() -> fired.add(1L));
        TimerWheel.Node far = node(() -> fired.add(2L));
        // the far one first: the near one may fire before the test thread runs again on a loaded machine
        wheel.add(far, now + (TimerWheel.SLOTS + 5) * 1_000_000L);
        assertThat(wheel.size()).isEqualTo(1);
        wheel.add(near, now + 5_000_000L);
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (fired.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(fired).containsExactly(1L);
        assertThat(far.scheduled()).isTrue();
        assertThat(wheel.remove(far)).isTrue();
        assertThat(wheel.remove(far)).isFalse();
        assertThat(wheel.size()).isZero();
    }

    private static TimerWheel.Node node(Runnable r) {
        return new TimerWheel.Node() {
            @Override
            protected void expire() {
                r.run();
            }
        };
    }
}
