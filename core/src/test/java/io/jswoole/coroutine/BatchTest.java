package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.SwooleException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Events dispatched on the carrier thread (a reactor's batch of requests) run as coroutines one after the other on
 * a shared virtual thread until one waits; each is still a coroutine of its own, and none sees what another left
 * on the thread.
 */
class BatchTest {
    /** Dispatches {@code tasks} from one carrier task, as a reactor does for the requests of one read. */
    private static void dispatchOnCarrier(Scheduler s, Runnable... tasks) {
        s.execute(() -> {
            for (Runnable t : tasks) {
                s.dispatch(t);
            }
        });
    }

    @Test
    void eventsStartAfterTheDispatchingTaskInOrderEachACoroutineOfItsOwn() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-order")) {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            List<Long> cids = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            s.execute(() -> {
                for (int i = 1; i <= 3; i++) {
                    int n = i;
                    s.dispatch(() -> {
                        order.add("event " + n);
                        cids.add(Coroutine.getCid());
                        threads.add(Thread.currentThread());
                        assertThat(Coroutine.exists(Coroutine.getCid())).isTrue();
                        assertThat(Coroutine.list()).contains(Coroutine.getCid());
                        done.countDown();
                    });
                    order.add("dispatched " + n);
                }
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("dispatched 1", "dispatched 2", "dispatched 3", "event 1", "event 2",
                    "event 3");
            assertThat(cids).doesNotHaveDuplicates().allMatch(c -> c > 0);
            assertThat(threads).allMatch(Thread::isVirtual);
            assertThat(threads.get(1)).as("no event waited: one thread ran them all").isSameAs(threads.get(0));
            awaitZero(s); // the last event counted down just before its coroutine ended
            for (long cid : cids) {
                assertThat(Coroutine.exists(cid)).isFalse();
            }
        }
    }

    @Test
    void anEventThatWaitsLetsTheNextOnesStartOnAnotherThread() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-wait")) {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            long[] sleeper = new long[1];
            dispatchOnCarrier(s,
                    () -> {
                        sleeper[0] = Coroutine.getCid();
                        order.add("1 sleeps");
                        Coroutine.defer(() -> order.add("1 deferred"));
                        Coroutine.getContext().put("k", "one");
                        Coroutine.sleep(0.1);
                        order.add("1 wakes, context " + Coroutine.getContext().get("k"));
                        done.countDown();
                    },
                    () -> {
                        order.add("2 runs, 1 " + (Coroutine.exists(sleeper[0]) ? "alive" : "gone")
                                + ", context " + Coroutine.getContext().get("k"));
                        done.countDown();
                    },
                    () -> {
                        // the sleeping coroutine can be found, inspected and joined by id
                        assertThat(Coroutine.getBackTrace(sleeper[0], 0)).isNotEmpty();
                        assertThat(Coroutine.getContext(sleeper[0])).containsEntry("k", "one");
                        assertThat(Coroutine.join(new long[] {sleeper[0]}, 5)).isTrue();
                        order.add("3 joined 1");
                        done.countDown();
                    });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("1 sleeps", "2 runs, 1 alive, context null", "1 wakes, context one",
                    "1 deferred", "3 joined 1");
            awaitZero(s);
        }
    }

    @Test
    void aWaitingBatchedCoroutineCanBeCanceledAndResumed() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-cancel")) {
            Map<String, Object> seen = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(3);
            long[] ids = new long[2];
            dispatchOnCarrier(s,
                    () -> {
                        ids[0] = Coroutine.getCid();
                        seen.put("slept fully", Coroutine.sleep(5));
                        seen.put("canceled", Coroutine.isCanceled());
                        done.countDown();
                    },
                    () -> {
                        ids[1] = Coroutine.getCid();
                        seen.put("resumed", Coroutine.yield());
                        done.countDown();
                    },
                    () -> {
                        seen.put("cancel", Coroutine.cancel(ids[0]));
                        seen.put("resume", Coroutine.resume(ids[1]));
                        done.countDown();
                    });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(seen).containsEntry("cancel", true).containsEntry("slept fully", false)
                    .containsEntry("canceled", true).containsEntry("resume", true).containsEntry("resumed", true);
            awaitZero(s);
        }
    }

    private static final ThreadLocal<String> LOCAL = new ThreadLocal<>();
    private static final InheritableThreadLocal<String> INHERITED = new InheritableThreadLocal<>();

    @Test
    void aCoroutineFindsNothingTheOneBeforeItLeftOnTheThread() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-clean")) {
            List<Object> second = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(2);
            ClassLoader other = new ClassLoader() {
            };
            dispatchOnCarrier(s,
                    () -> {
                        threads.add(Thread.currentThread());
                        LOCAL.set("left by the first");
                        INHERITED.set("left by the first");
                        LastError.set(ErrorCode.CO_CANCELED);
                        Thread.currentThread().setContextClassLoader(other);
                        Thread.currentThread().setName("renamed by the first");
                        Thread.currentThread().interrupt();
                        done.countDown();
                    },
                    () -> {
                        threads.add(Thread.currentThread());
                        second.add(LOCAL.get());
                        second.add(INHERITED.get());
                        second.add(LastError.get());
                        second.add(Thread.currentThread().getContextClassLoader() == other);
                        second.add(Thread.currentThread().getName());
                        second.add(Thread.currentThread().isInterrupted());
                        done.countDown();
                    });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(threads.get(1)).as("the two shared a thread").isSameAs(threads.get(0));
            assertThat(second).containsExactly(null, null, 0, false, "batch-clean-co", false);
            awaitZero(s);
        }
    }

    @Test
    void maxCoroutineIsCheckedWhenAnEventIsDispatched() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-max").maxCoroutine(2)) {
            List<Object> results = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch ran = new CountDownLatch(2);
            CountDownLatch dispatched = new CountDownLatch(1);
            s.execute(() -> {
                for (int i = 0; i < 3; i++) {
                    try {
                        s.dispatch(() -> {
                            Coroutine.sleep(0.05);
                            ran.countDown();
                        });
                        results.add("ok");
                    } catch (SwooleException e) {
                        results.add(e.code());
                    }
                }
                dispatched.countDown();
            });
            assertThat(dispatched.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(results).containsExactly("ok", "ok", ErrorCode.CO_OUT_OF_COROUTINE.code());
            assertThat(ran.await(5, TimeUnit.SECONDS)).isTrue();
            awaitZero(s);
            assertThat(s.coroutinePeak()).isEqualTo(2);
        }
    }

    @Test
    void anExceptionEndsOnlyItsOwnCoroutine() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-throw")) {
            CountDownLatch done = new CountDownLatch(1);
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            dispatchOnCarrier(s,
                    () -> {
                        Coroutine.defer(() -> order.add("deferred of the failing one"));
                        throw new IllegalStateException("expected by the test");
                    },
                    () -> {
                        order.add("next runs");
                        done.countDown();
                    });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("deferred of the failing one", "next runs");
            awaitZero(s);
        }
    }

    @Test
    void eventsDispatchedFromOtherThreadsRunAsABatchWhenTheCarrierTakesThem() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-elsewhere")) {
            CountDownLatch carrierBusy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            s.execute(() -> { // holds the carrier while another thread (a THREAD mode reactor) dispatches
                carrierBusy.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertThat(carrierBusy.await(5, TimeUnit.SECONDS)).isTrue();
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            List<Thread> threads = Collections.synchronizedList(new ArrayList<>());
            List<Long> cids = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(3);
            for (int i = 1; i <= 3; i++) {
                int n = i;
                s.dispatch(() -> {
                    order.add("event " + n);
                    threads.add(Thread.currentThread());
                    cids.add(Coroutine.getCid());
                    done.countDown();
                });
            }
            assertThat(s.coroutineNum()).as("counted when dispatched").isEqualTo(3);
            release.countDown();
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("event 1", "event 2", "event 3");
            assertThat(threads).allMatch(Thread::isVirtual);
            assertThat(threads.get(2)).as("taken together: one thread").isSameAs(threads.get(0));
            assertThat(cids).doesNotHaveDuplicates().allMatch(c -> c > 0);
            awaitZero(s);
        }
    }

    /** A callback that a coroutine causes (bufferFull from its send) runs at once, as go() from a coroutine does. */
    @Test
    void dispatchedFromACoroutineRunsAtOnce() throws Exception {
        try (Scheduler s = Scheduler.serial("batch-from-coroutine")) {
            List<String> order = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            s.go(() -> {
                order.add("before");
                s.dispatch(() -> order.add("dispatched"));
                order.add("after");
                done.countDown();
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("before", "dispatched", "after");
            awaitZero(s);
        }
    }

    private static void awaitZero(Scheduler s) throws InterruptedException {
        for (int i = 0; i < 500 && s.coroutineNum() > 0; i++) {
            Thread.sleep(10);
        }
        assertThat(s.coroutineNum()).isZero();
    }
}
