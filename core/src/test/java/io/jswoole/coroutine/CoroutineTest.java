package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.SwooleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CoroutineTest {
    @Test
    void idsParentsAndChildRunsFirst() {
        List<String> order = new ArrayList<>();
        long[] ids = new long[3];
        Coroutine.run(() -> {
            ids[0] = Coroutine.getCid();
            ids[1] = Coroutine.go(() -> {
                order.add("child");
                ids[2] = Coroutine.getPcid();
            });
            order.add("parent");
        });
        assertThat(order).containsExactly("child", "parent");
        assertThat(ids[0]).isPositive();
        assertThat(ids[2]).isEqualTo(ids[0]);
        assertThat(Coroutine.getCid()).isEqualTo(-1);
        assertThat(Coroutine.exists(ids[1])).isFalse();
    }

    @Test
    void defersRunLifoAlsoOnExceptionAndContextIsDropped() {
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicReference<Map<Object, Object>> ctx = new AtomicReference<>();
        AtomicLong cid = new AtomicLong();
        Coroutine.run(() -> {
            cid.set(Coroutine.go(() -> {
                Coroutine.defer(() -> order.add("first"));
                Coroutine.defer(() -> order.add("second"));
                Coroutine.getContext().put("k", "v");
                ctx.set(Coroutine.getContext());
                throw new IllegalStateException("boom");
            }));
            assertThat(Coroutine.exists(cid.get())).isFalse();
        });
        assertThat(order).containsExactly("second", "first");
        assertThat(ctx.get()).containsEntry("k", "v");
        assertThat(Coroutine.getContext(cid.get())).isNull();
    }

    @Test
    void runRethrowsTheRootFailure() {
        assertThatThrownBy(() -> Coroutine.run(() -> {
            throw new IllegalArgumentException("root failed");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("root failed");
    }

    @Test
    void yieldAndResume() {
        List<String> order = new ArrayList<>();
        Coroutine.run(() -> {
            long cid = Coroutine.go(() -> {
                order.add("before");
                assertThat(Coroutine.yield()).isTrue();
                order.add("after");
            });
            order.add("main");
            assertThat(Coroutine.resume(cid)).isTrue();
            assertThat(Coroutine.resume(cid)).isFalse();
        });
        assertThat(order).containsExactly("before", "main", "after");
    }

    @Test
    void cancelMakesSleepAndChannelFail() {
        Coroutine.run(() -> {
            AtomicReference<Boolean> slept = new AtomicReference<>();
            AtomicReference<Integer> err = new AtomicReference<>();
            Channel<String> ch = new Channel<>();
            long sleeper = Coroutine.go(() -> {
                slept.set(Coroutine.sleep(10));
                err.set(LastError.get());
                assertThat(Coroutine.isCanceled()).isTrue();
            });
            long popper = Coroutine.go(() -> {
                assertThat(ch.pop()).isNull();
                assertThat(ch.errCode()).isEqualTo(Channel.CHANNEL_CANCELED);
            });
            assertThat(Coroutine.cancel(sleeper)).isTrue();
            assertThat(Coroutine.cancel(popper)).isTrue();
            assertThat(Coroutine.join(new long[] {sleeper, popper}, 1)).isTrue();
            assertThat(slept.get()).isFalse();
            assertThat(err.get()).isEqualTo(ErrorCode.CO_CANCELED.code());
            assertThat(Coroutine.cancel(Coroutine.getCid())).isFalse();
            assertThat(Coroutine.cancel(987654321L)).isFalse();
            assertThat(LastError.error()).isEqualTo(ErrorCode.CO_NOT_EXISTS);
        });
    }

    @Test
    void cancelInterruptsAJdkBlockingCall() {
        Coroutine.run(() -> {
            AtomicReference<Throwable> got = new AtomicReference<>();
            long cid = Coroutine.go(() -> {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    got.set(e);
                }
            });
            Coroutine.sleep(0.01);
            assertThat(Coroutine.cancel(cid)).isTrue();
            Coroutine.join(new long[] {cid}, 1);
            assertThat(got.get()).isInstanceOf(InterruptedException.class);
        });
    }

    @Test
    void joinTimesOut() {
        Coroutine.run(() -> {
            long slow = Coroutine.go(() -> Coroutine.sleep(0.3));
            long t0 = System.nanoTime();
            assertThat(Coroutine.join(new long[] {slow}, 0.05)).isFalse();
            assertThat(LastError.error()).isEqualTo(ErrorCode.CO_TIMEDOUT);
            assertThat((System.nanoTime() - t0) / 1e6).isBetween(45.0, 250.0);
            assertThat(Coroutine.join(new long[] {slow}, -1)).isTrue();
            assertThat(Coroutine.join(new long[] {Coroutine.getCid()}, 1)).isFalse();
        });
    }

    @Test
    void listStatsBacktraceElapsed() {
        Coroutine.run(() -> {
            long a = Coroutine.go(() -> Coroutine.sleep(0.05));
            long b = Coroutine.go(() -> Coroutine.sleep(0.05));
            assertThat(Coroutine.list()).contains(Coroutine.getCid(), a, b).hasSize(3);
            Coroutine.CoStats st = Coroutine.stats();
            assertThat(st.coroutineNum()).isEqualTo(3);
            assertThat(st.coroutinePeakNum()).isGreaterThanOrEqualTo(3);
            assertThat(st.coroutineLastCid()).isGreaterThanOrEqualTo(b);
            StackTraceElement[] bt = Coroutine.getBackTrace(a, 0);
            assertThat(bt).isNotEmpty();
            assertThat(bt[0].getMethodName()).isEqualTo("sleep");
            assertThat(Coroutine.getBackTrace()).isNotEmpty();
            Coroutine.sleep(0.02);
            assertThat(Coroutine.getElapsed()).isGreaterThanOrEqualTo(20);
            assertThat(Coroutine.getElapsed(123456789L)).isEqualTo(-1);
        });
    }

    @Test
    void maxCoroutineIsEnforced() {
        try (Scheduler s = Scheduler.serial("max-test").maxCoroutine(2)) {
            Channel<Integer> gate = new Channel<>();
            s.go(() -> gate.pop(1));
            s.go(() -> gate.pop(1));
            assertThatThrownBy(() -> s.go(() -> { }))
                    .isInstanceOf(SwooleException.class)
                    .extracting(e -> ((SwooleException) e).error()).isEqualTo(ErrorCode.CO_OUT_OF_COROUTINE);
            gate.push(1);
            gate.push(2);
        }
    }

    @Test
    void optionsSetMaxCoroutineForNewSchedulers() {
        Map<String, Object> before = Coroutine.getOptions();
        try {
            Coroutine.set(Map.of("max_coroutine", 3));
            assertThatThrownBy(() -> Coroutine.run(() -> {
                for (int i = 0; i < 5; i++) {
                    Coroutine.go(() -> Coroutine.sleep(0.01));
                }
            })).isInstanceOf(SwooleException.class);
        } finally {
            Coroutine.set(Map.of("max_coroutine", before.get("max_coroutine")));
        }
        assertThatThrownBy(() -> Coroutine.set(Map.of("nope", 1))).isInstanceOf(IllegalArgumentException.class);
    }
}
