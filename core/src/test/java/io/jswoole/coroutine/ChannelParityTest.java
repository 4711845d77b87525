package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Swoole's {@code tests/swoole_channel_coro/*.phpt} on jswoole's {@link Channel}. */
class ChannelParityTest {
    /**
     * {@code tests/swoole_channel_coro/basic.phpt}: a producer pushing 1..10 (a 10 ms sleep before each) into a
     * channel of capacity 1 and a consumer popping ten: the producer prints 1..10 in order; the consumer gets each.
     */
    @Test
    void producerAndConsumerOverACapacityOneChannel() {
        List<String> out = new CopyOnWriteArrayList<>();
        Coroutine.run(() -> {
            Channel<Integer> chan = new Channel<>(1);
            Coroutine.go(() -> {
                for (int i = 1; i <= 10; i++) {
                    Coroutine.sleep(0.01);
                    chan.push(i);
                    out.add(String.valueOf(i));
                }
            });
            Coroutine.go(() -> {
                for (int i = 0; i < 10; i++) {
                    out.add("pop " + chan.pop());
                }
            });
        });
        assertThat(out.stream().filter(s -> !s.startsWith("pop"))).containsExactly("1", "2", "3", "4", "5", "6",
                "7", "8", "9", "10");
        assertThat(out.stream().filter(s -> s.startsWith("pop"))).hasSize(10).doesNotContain("pop null");
    }

    /**
     * {@code tests/swoole_channel_coro/close.phpt}: a consumer waiting in pop shows in stats (consumer_num 1,
     * producer_num 0, queue_num 0); close() wakes it with false (jswoole: null) and it exits.
     */
    @Test
    void closeWakesAWaitingConsumer() {
        List<String> out = new CopyOnWriteArrayList<>();
        Coroutine.run(() -> {
            Channel<String> chan = new Channel<>(100);
            Coroutine.go(() -> {
                while (true) {
                    String data = chan.pop();
                    if (data == null) {
                        break;
                    }
                    out.add("chan get data :" + data);
                }
                out.add("chan exit");
            });
            chan.push("11");
            Coroutine.sleep(0.2);
            Channel.Stats st = chan.stats();
            out.add("chan close " + st.consumerNum() + " " + st.producerNum() + " " + st.queueNum());
            chan.close();
            Coroutine.sleep(0.2);
            out.add("chan END");
        });
        assertThat(out).containsExactly("chan get data :11", "chan close 1 0 0", "chan exit", "chan END");
    }

    /**
     * {@code tests/swoole_channel_coro/pop_after_close.phpt}: on an unbuffered channel, three pushes then close;
     * the consumer gets 1, 2, 3, then false (null) after the close (the interleaving of the lines differs: see the
     * comment).
     */
    @Test
    void popAfterCloseDrainsThenEnds() {
        List<String> out = new CopyOnWriteArrayList<>();
        Coroutine.run(() -> {
            Channel<Integer> chan = new Channel<>();
            Coroutine.go(() -> {
                for (int i = 1; i <= 3; i++) {
                    if (chan.push(i)) {
                        out.add("push ok");
                    }
                }
                chan.close();
            });
            Coroutine.go(() -> {
                while (true) {
                    Integer data = chan.pop();
                    out.add(String.valueOf(data));
                    if (data == null) {
                        break;
                    }
                }
            });
        });
        // Swoole's order is push ok, push ok, 1, push ok, 2, 3, false: its channel resumes a woken coroutine at
        // once; jswoole's serial scheduler queues it behind the waker, so the lines interleave differently while
        // every value, its order and the end are the same
        assertThat(out.stream().filter(x -> !x.equals("push ok"))).containsExactly("1", "2", "3", "null");
        assertThat(out).filteredOn("push ok"::equals).hasSize(3);
        assertThat(out.get(0)).isEqualTo("push ok");
    }

    /**
     * {@code tests/swoole_channel_coro/pop_timeout1.phpt}: pop(1) on an empty channel returns false (null) with
     * errCode -1 (SWOOLE_CHANNEL_TIMEOUT); {@code chan_stats.phpt}: queue_num counts what is buffered.
     */
    @Test
    void popTimesOutAndStatsCountTheQueue() {
        Coroutine.run(() -> {
            Channel<Object> c1 = new Channel<>();
            long t0 = System.nanoTime();
            assertThat(c1.pop(1)).isNull();
            assertThat(c1.errCode()).isEqualTo(Channel.CHANNEL_TIMEOUT).isEqualTo(-1);
            assertThat((System.nanoTime() - t0) / 1e9).isBetween(0.9, 2.0);
            Channel<Object> chan = new Channel<>(10);
            chan.push(1);
            chan.push(2);
            chan.push("hello world");
            chan.push(List.of(1, 3, 4, 4, 6));
            assertThat(chan.stats().queueNum()).isEqualTo(4);
            for (int i = 0; i < 4; i++) {
                chan.pop();
            }
            assertThat(chan.stats().queueNum()).isZero();
        });
    }
}
