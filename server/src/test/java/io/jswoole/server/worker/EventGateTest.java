package io.jswoole.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** {@link EventGate}: receives wait for connect, close waits for the receives, and no wake-up is lost. */
class EventGateTest {
    @Test
    void aReceiveWaitsForTheConnectCallback() throws Exception {
        EventGate gate = new EventGate();
        gate.receiveQueued();
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean passed = new AtomicBoolean();
        Thread receiver = Thread.ofVirtual().start(() -> {
            started.countDown();
            gate.awaitConnected();
            passed.set(true);
        });
        started.await();
        Thread.sleep(50);
        assertThat(passed).isFalse();
        assertThat(gate.idle()).isFalse();
        gate.markConnected();
        assertThat(receiver.join(Duration.ofSeconds(5))).isTrue();
        assertThat(passed).isTrue();
        assertThat(gate.idle()).isFalse(); // the receive is still counted until it exits
        gate.exitReceive();
        assertThat(gate.idle()).isTrue();
    }

    @Test
    void closeWaitsForEveryReceive() throws Exception {
        EventGate gate = EventGate.connected();
        gate.receiveQueued();
        gate.receiveQueued();
        CountDownLatch idle = new CountDownLatch(1);
        Thread closer = Thread.ofVirtual().start(() -> {
            gate.awaitIdle();
            idle.countDown();
        });
        gate.exitReceive();
        assertThat(idle.await(100, TimeUnit.MILLISECONDS)).isFalse();
        gate.exitReceive();
        assertThat(idle.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(closer.join(Duration.ofSeconds(5))).isTrue();
    }

    /**
     * The receives end on one platform thread while a close waits on another, many times over, each race started
     * at once from both sides: a lost wake-up would leave the closer waiting.
     */
    @Test
    void theLastReceiveAlwaysWakesTheClose() throws Exception {
        for (int round = 0; round < 5_000; round++) {
            EventGate gate = EventGate.connected();
            int n = 1 + round % 3;
            for (int i = 0; i < n; i++) {
                gate.receiveQueued();
            }
            CountDownLatch go = new CountDownLatch(1);
            Thread closer = Thread.ofPlatform().daemon().start(() -> {
                awaitQuietly(go);
                gate.awaitIdle();
            });
            Thread receiver = Thread.ofPlatform().daemon().start(() -> {
                awaitQuietly(go);
                for (int i = 0; i < n; i++) {
                    gate.exitReceive();
                }
            });
            go.countDown();
            receiver.join();
            // join's answer, not isAlive(): a thread just ended can still look alive for a moment
            assertThat(closer.join(Duration.ofSeconds(10))).as("round %d: the close still waits", round).isTrue();
            assertThat(gate.idle()).isTrue();
        }
    }

    @Test
    void anOpenGateNeverWaits() {
        EventGate gate = EventGate.open();
        gate.receiveQueued();
        gate.awaitConnected();
        gate.awaitIdle();
        gate.exitReceive();
        assertThat(gate.idle()).isTrue();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
