package io.jswoole.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AtomicTest {
    @Test
    void unsignedArithmeticWraps() {
        Atomic a = new Atomic();
        try {
            assertThat(a.get()).isZero();
            assertThat(a.add()).isEqualTo(1);
            assertThat(a.add(10)).isEqualTo(11);
            assertThat(a.sub(2)).isEqualTo(9);
            assertThat(a.sub()).isEqualTo(8);
            a.set(4294967295L);
            assertThat(a.get()).isEqualTo(4294967295L);
            assertThat(a.add()).isZero();
            assertThat(a.sub()).isEqualTo(4294967295L);
            assertThat(a.cmpset(1, 2)).isFalse();
            assertThat(a.cmpset(4294967295L, 2)).isTrue();
            assertThat(a.get()).isEqualTo(2);
            assertThatThrownBy(() -> a.set(-1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> a.set(1L << 32)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> new Atomic(-5)).isInstanceOf(IllegalArgumentException.class);
            assertThat(new Atomic(7).get()).isEqualTo(7);
        } finally {
            a.destroy();
        }
    }

    @Test
    void waitTimesOutAtZeroAndTakesOneOtherwise() {
        Atomic a = new Atomic();
        long start = System.nanoTime();
        assertThat(a.wait(0.05)).isFalse();
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(45_000_000L);
        assertThat(a.wakeup()).isTrue();
        assertThat(a.wakeup()).isFalse();
        assertThat(a.wait(0.0)).isTrue();
        assertThat(a.get()).isZero();
        assertThat(a.wakeup(2)).isTrue();
        assertThat(a.await()).isTrue();
        assertThat(a.wait(-1.0)).isTrue();
        assertThat(a.wakeup()).isTrue();
        assertThat(a.await(1)).isTrue();
        assertThat(a.wait(0.01)).isFalse();
        assertThatThrownBy(() -> a.wakeup(0)).isInstanceOf(IllegalArgumentException.class);
        a.destroy();
    }

    @Test
    void wakeupReleasesAWaitingThread() throws Exception {
        Atomic a = new Atomic();
        boolean[] woken = new boolean[1];
        Thread waiter = Thread.ofVirtual().start(() -> woken[0] = a.wait(5.0));
        Thread.sleep(50);
        assertThat(waiter.isAlive()).isTrue();
        long start = System.nanoTime();
        assertThat(a.wakeup()).isTrue();
        waiter.join(5_000);
        assertThat(woken[0]).isTrue();
        assertThat(System.nanoTime() - start).isLessThan(1_000_000_000L);
        a.destroy();
    }

    @Test
    void atomicLongIsSigned64Bit() {
        AtomicLong l = new AtomicLong(-5);
        try {
            assertThat(l.get()).isEqualTo(-5);
            assertThat(l.add()).isEqualTo(-4);
            assertThat(l.add(10)).isEqualTo(6);
            assertThat(l.sub(7)).isEqualTo(-1);
            assertThat(l.sub()).isEqualTo(-2);
            l.set(Long.MAX_VALUE);
            assertThat(l.add()).isEqualTo(Long.MIN_VALUE);
            assertThat(l.cmpset(0, 1)).isFalse();
            assertThat(l.cmpset(Long.MIN_VALUE, 42)).isTrue();
            assertThat(l.get()).isEqualTo(42);
        } finally {
            l.destroy();
        }
    }

    @Test
    void concurrentAddsFromThreadsAreExact() throws Exception {
        Atomic a = new Atomic();
        AtomicLong l = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                for (int j = 0; j < 100_000; j++) {
                    a.add();
                    l.add(2);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(a.get()).isEqualTo(400_000);
        assertThat(l.get()).isEqualTo(800_000);
        a.destroy();
        l.destroy();
        assertThatThrownBy(a::get).isInstanceOf(RuntimeException.class);
    }
}
