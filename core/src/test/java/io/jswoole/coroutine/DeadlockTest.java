package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.timer.Timer;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlockTest {
    @Test
    void allCoroutinesBlockedForeverIsReportedWithStacks() {
        assertThatThrownBy(() -> Coroutine.run(() -> {
            Channel<String> a = new Channel<>();
            Channel<String> b = new Channel<>();
            Coroutine.go(() -> a.pop());
            b.pop();
        })).isInstanceOf(DeadlockException.class)
                .hasMessageContaining("all coroutines (count: 2) are asleep - deadlock!")
                .hasMessageContaining("io.jswoole.coroutine.Channel.pop")
                .satisfies(e -> assertThat(((DeadlockException) e).count()).isEqualTo(2));
    }

    @Test
    void yieldWithoutResumeIsADeadlock() {
        assertThatThrownBy(() -> Coroutine.run(() -> Coroutine.yield())).isInstanceOf(DeadlockException.class);
    }

    @Test
    void aPendingTimerOrTimedWaitIsNotADeadlock() {
        AtomicInteger fired = new AtomicInteger();
        Coroutine.run(() -> {
            Channel<String> ch = new Channel<>();
            Timer.after(30, () -> ch.push("from timer"));
            assertThat(ch.pop()).isEqualTo("from timer");
            fired.incrementAndGet();
            WaitGroup wg = new WaitGroup(1);
            Coroutine.go(() -> {
                Coroutine.sleep(0.03);
                wg.done();
            });
            assertThat(wg.await()).isTrue();
            fired.incrementAndGet();
        });
        assertThat(fired.get()).isEqualTo(2);
    }

    @Test
    void aCoroutineInJdkIoIsNotADeadlock() throws Exception {
        Channel<String> ch = new Channel<>();
        Coroutine.run(() -> {
            Coroutine.go(() -> {
                try {
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                ch.push("woke");
            });
            assertThat(ch.pop()).isEqualTo("woke");
        });
    }
}
