package io.jswoole.timer;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.coroutine.Coroutine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/** Swoole's {@code tests/swoole_timer/*.phpt} (timers outside a server: a {@code Coroutine.run} scope). */
class TimerParityTest {
    /**
     * {@code tests/swoole_timer/after.phpt}: a callback that clears its own (expired) timer id if it still exists
     * and sets a new after(10) ten times runs ten times, in order, each id positive.
     */
    @Test
    void afterChainedTenTimes() {
        List<String> out = new ArrayList<>();
        long[] id = {0};
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            out.add("onTimerTick:" + (out.size() + 1));
            if (id[0] != 0 && Timer.exists(id[0])) {
                Timer.clear(id[0]);
            }
            if (out.size() < 10) {
                id[0] = Timer.after(10, tick[0]);
                assertThat(id[0]).isPositive();
            }
        };
        Coroutine.run(tick[0]);
        List<String> want = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            want.add("onTimerTick:" + i);
        }
        assertThat(out).isEqualTo(want);
    }

    /**
     * {@code tests/swoole_timer/list.phpt}: list() holds exactly the timers created; {@code info.phpt}: an after()
     * timer's info has interval 0 and removed false, a tick's interval is positive, and a cleared timer's info is
     * gone once cleared outside its own callback (cleared inside it, info says removed true, as in Swoole:
     * {@code TimerTest}).
     */
    @Test
    void listAndInfoDescribeTheLiveTimers() {
        Coroutine.run(() -> {
            Map<Long, Long> timers = new HashMap<>();
            for (int c = 0; c < 100; c++) {
                long ms = ThreadLocalRandom.current().nextLong(100, 500);
                timers.put(Timer.after(ms, () -> { }), ms);
            }
            assertThat(Timer.list()).containsExactlyInAnyOrderElementsOf(timers.keySet());
            for (long t : Timer.list()) {
                Timer.Info info = Timer.info(t).orElseThrow();
                assertThat(info.interval()).isZero();
                assertThat(info.removed()).isFalse();
                assertThat(info.execMsec()).as("time left").isBetween(0L, timers.get(t));
            }
            long tick = Timer.tick(1, x -> { });
            assertThat(Timer.info(tick).orElseThrow().interval()).isPositive();
            assertThat(Timer.clear(tick)).isTrue();
            assertThat(Timer.info(tick)).isEmpty();
            for (long t : Timer.list()) {
                assertThat(Timer.clear(t)).isTrue();
            }
            assertThat(Timer.list()).isEmpty();
            assertThat(Timer.clear(tick)).as("clear of a timer gone is false (not_exist.phpt)").isFalse();
        });
    }

    /**
     * {@code tests/swoole_timer/greater_than_0.phpt}: after(0), after(-1), tick(0), tick(-1) are refused. Swoole
     * returns false with a warning; jswoole throws IllegalArgumentException naming msec (ids are longs, a false
     * would read as id 0).
     */
    @Test
    void aTimerOfZeroOrLessIsRefused() {
        for (long ms : new long[] {0, -1}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Timer.after(ms, () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("msec");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Timer.tick(ms, x -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("msec");
        }
    }
}
