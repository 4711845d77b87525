package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelTest {
    @Test
    void bufferedPushPopInOrder() {
        Coroutine.run(() -> {
            Channel<Integer> ch = new Channel<>(3);
            assertThat(ch.isEmpty()).isTrue();
            assertThat(ch.push(1)).isTrue();
            assertThat(ch.push(2)).isTrue();
            assertThat(ch.push(3)).isTrue();
            assertThat(ch.isFull()).isTrue();
            assertThat(ch.length()).isEqualTo(3);
            assertThat(ch.capacity()).isEqualTo(3);
            assertThat(ch.push(4, 0)).isFalse();
            assertThat(ch.errCode()).isEqualTo(Channel.CHANNEL_TIMEOUT);
            assertThat(List.of(ch.pop(), ch.pop(), ch.pop())).containsExactly(1, 2, 3);
            assertThat(ch.errCode()).isEqualTo(Channel.CHANNEL_OK);
        });
        assertThatThrownBy(() -> new Channel<>(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void producersAndConsumersWaitAndStatsShowThem() {
        List<Integer> got = new ArrayList<>();
        Coroutine.run(() -> {
            Channel<Integer> ch = new Channel<>(1);
            for (int i = 0; i < 3; i++) {
                Coroutine.go(() -> got.add(ch.pop()));
            }
            assertThat(ch.stats()).isEqualTo(new Channel.Stats(3, 0, 0));
            for (int i = 0; i < 5; i++) {
                int v = i;
                Coroutine.go(() -> ch.push(v));
            }
            // three handed straight to the consumers, one buffered, one producer waiting
            assertThat(ch.stats()).isEqualTo(new Channel.Stats(0, 1, 1));
            got.add(ch.pop());
            got.add(ch.pop());
        });
        assertThat(got).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void popTimesOutAfterTheTimeout() {
        Coroutine.run(() -> {
            Channel<String> ch = new Channel<>();
            long t0 = System.nanoTime();
            assertThat(ch.pop(0.05)).isNull();
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(ms).isBetween(49.0, 200.0);
            assertThat(ch.errCode()).isEqualTo(Channel.CHANNEL_TIMEOUT);
            assertThat(LastError.error()).isEqualTo(ErrorCode.CO_TIMEDOUT);
            assertThat(ch.stats().consumerNum()).isZero();
            ch.push("x");
            assertThat(ch.push("y", 0.02)).isFalse();
            assertThat(ch.stats().producerNum()).isZero();
            assertThat(ch.pop(0.02)).isEqualTo("x");
        });
    }

    @Test
    void closeWakesWaitersAndDrainsTheBuffer() {
        Coroutine.run(() -> {
            Channel<String> empty = new Channel<>();
            List<Integer> codes = new ArrayList<>();
            Coroutine.go(() -> {
                assertThat(empty.pop()).isNull();
                codes.add(empty.errCode());
            });
            assertThat(empty.close()).isTrue();
            assertThat(empty.close()).isFalse();
            Coroutine.sleep(0);
            assertThat(codes).containsExactly(Channel.CHANNEL_CLOSED);
            assertThat(empty.push("late")).isFalse();
            assertThat(empty.errCode()).isEqualTo(Channel.CHANNEL_CLOSED);

            Channel<String> full = new Channel<>(1);
            full.push("kept");
            Coroutine.go(() -> assertThat(full.push("blocked")).isFalse());
            full.close();
            assertThat(full.pop()).isEqualTo("kept");
            assertThat(full.pop()).isNull();
            assertThat(full.errCode()).isEqualTo(Channel.CHANNEL_CLOSED);
        });
    }

    @Test
    void plainThreadsAndOtherSchedulersCanShareAChannel() throws Exception {
        Channel<Integer> ch = new Channel<>(2);
        Thread producer = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 1000; i++) {
                ch.push(i);
            }
        });
        long[] sum = new long[1];
        Coroutine.run(() -> {
            for (int i = 0; i < 1000; i++) {
                sum[0] += ch.pop(5);
            }
        });
        producer.join();
        assertThat(sum[0]).isEqualTo(999 * 1000 / 2);
        assertThat(ch.pop(0.01)).isNull();
    }
}
