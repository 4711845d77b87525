package io.jswoole.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LockTest {
    @ParameterizedTest
    @EnumSource(Lock.Type.class)
    void exclusiveLockSerialisesThreads(Lock.Type type) throws Exception {
        Lock lock = new Lock(type);
        assertThat(lock.type()).isEqualTo(type);
        long[] counter = new long[1];
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ts.add(Thread.ofPlatform().start(() -> {
                for (int j = 0; j < 20_000; j++) {
                    lock.lock();
                    counter[0]++;
                    lock.unlock();
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(counter[0]).isEqualTo(80_000);
        lock.destroy();
    }

    @ParameterizedTest
    @EnumSource(Lock.Type.class)
    void trylockLockwaitAndUnlock(Lock.Type type) throws Exception {
        Lock lock = new Lock(type);
        assertThat(lock.unlock()).isFalse();
        assertThat(lock.trylock()).isTrue();
        boolean[] got = new boolean[3];
        long[] waited = new long[1];
        Thread other = Thread.ofPlatform().start(() -> {
            got[0] = lock.trylock();
            long s = System.nanoTime();
            got[1] = lock.lockwait(0.05);
            waited[0] = System.nanoTime() - s;
            got[2] = lock.trylockRead();
        });
        other.join();
        assertThat(got).containsExactly(false, false, false);
        assertThat(waited[0]).isGreaterThanOrEqualTo(45_000_000L);
        assertThat(lock.unlock()).isTrue();
        assertThat(lock.lockwait(0.05)).isTrue();
        assertThat(lock.unlock()).isTrue();
        assertThat(lock.lockRead()).isTrue();
        assertThat(lock.unlock()).isTrue();
        assertThat(lock.unlock()).isFalse();
        lock.destroy();
    }

    @Test
    void readWriteLockSharesReadersAndExcludesWriters() throws Exception {
        Lock lock = new Lock(Lock.Type.RWLOCK);
        assertThat(lock.lockRead()).isTrue();
        assertThat(lock.trylockRead()).isTrue();
        boolean[] got = new boolean[3];
        Thread other = Thread.ofPlatform().start(() -> {
            got[0] = lock.trylockRead();
            if (got[0]) {
                lock.unlock();
            }
            got[1] = lock.trylock();
            got[2] = lock.lockwait(0.03);
        });
        other.join();
        assertThat(got).containsExactly(true, false, false);
        assertThat(lock.unlock()).isTrue();
        assertThat(lock.unlock()).isTrue();
        assertThat(lock.unlock()).isFalse();
        assertThat(lock.trylock()).isTrue();
        assertThat(lock.trylockRead()).isFalse();
        assertThat(lock.unlock()).isTrue();

        AtomicBoolean inWrite = new AtomicBoolean();
        AtomicBoolean overlap = new AtomicBoolean();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean writer = i == 0;
            ts.add(Thread.ofPlatform().start(() -> {
                for (int j = 0; j < 5_000; j++) {
                    if (writer) {
                        lock.lock();
                        inWrite.set(true);
                        Thread.onSpinWait();
                        inWrite.set(false);
                    } else {
                        lock.lockRead();
                        if (inWrite.get()) {
                            overlap.set(true);
                        }
                    }
                    lock.unlock();
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        assertThat(overlap.get()).isFalse();
        lock.destroy();
    }
}
