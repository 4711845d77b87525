package io.jswoole.cli.bench;

import java.util.Collections;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

/** What the clients of one run share: the options, the unit, and the few counters the main thread watches. */
final class Run {
    final BenchOptions options;
    final Unit unit;
    final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final int window;
    /** TLS for {@code tls://} targets, null otherwise. */
    final Tls tls;
    /** The target, resolved once. */
    final java.net.SocketAddress address;
    final long timeoutNanos;
    /** The end of {@code -d} (System.nanoTime), 0 without it: nothing is sent, or scheduled, from then on. */
    volatile long deadline;
    /** {@code --hold}: clients keep their connection open and send nothing. */
    final boolean holding;
    /** Requests of {@code -n} that clients which gave up connecting never sent. */
    final AtomicLong unsent = new AtomicLong();
    final CountDownLatch done;
    private final AtomicInteger firstAttempts;
    private final Set<Client> everConnected = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private final Set<Client> tried = Collections.newSetFromMap(new ConcurrentHashMap<>());
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final CountDownLatch settled;

    Run(BenchOptions options, Unit unit, int clients, boolean holding) {
        this.options = options;
        this.unit = unit;
        this.window = unit.pipelining() ? options.pipeline() : 1;
        this.address = options.target().address();
        this.tls = Tls.of(options.target(), unit);
        if (address instanceof java.net.InetSocketAddress a && a.isUnresolved()) {
            throw new IllegalArgumentException("-s " + options.target() + ": cannot resolve " + a.getHostString());
        }
        this.timeoutNanos = options.timeout().toNanos();
        this.holding = holding;
        this.done = new CountDownLatch(clients);
        this.firstAttempts = new AtomicInteger(clients);
        this.settled = new CountDownLatch(clients);
    }

    void clientDone() {
        done.countDown();
    }

    void connected(Client c) {
        everConnected.add(c);
        firstAttempt(c);
    }

    void connectFailed(Client c) {
        firstAttempt(c);
    }

    private void firstAttempt(Client c) {
        if (tried.add(c)) {
            settled.countDown();
            if (firstAttempts.decrementAndGet() == 0 && everConnected.isEmpty()) {
                aborted.set(true); // every client failed to connect once, and none ever did: nothing answers
            }
        }
    }

    /** True once every client's first attempt to connect failed. */
    boolean aborted() {
        return aborted.get();
    }

    /** Waits until every client has tried to connect once. */
    boolean awaitFirstAttempts(long millis) throws InterruptedException {
        return settled.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    int everConnected() {
        return everConnected.size();
    }
}
