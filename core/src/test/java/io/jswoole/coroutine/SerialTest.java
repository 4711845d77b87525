package io.jswoole.coroutine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Coroutines of one scheduler never overlap, and a blocking JDK call parks only its coroutine. */
class SerialTest {
    @Test
    void coroutinesNeverRunInParallelUnderContention() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger steps = new AtomicInteger();
        List<Thread> carriers = new ArrayList<>();
        Coroutine.run(() -> {
            Channel<Integer> ch = new Channel<>(4);
            for (int i = 0; i < 50; i++) {
                Coroutine.go(() -> {
                    for (int j = 0; j < 200; j++) {
                        int now = running.incrementAndGet();
                        maxSeen.accumulateAndGet(now, Math::max);
                        // a non-atomic read-modify-write across a switch point would lose updates if parallel
                        int before = steps.get();
                        Thread.onSpinWait();
                        steps.set(before + 1);
                        running.decrementAndGet();
                        if (j % 3 == 0) {
                            ch.push(j);
                        } else if (j % 3 == 1) {
                            ch.pop(0.001);
                        } else {
                            Thread.yield();
                        }
                    }
                });
            }
            carriers.add(Thread.currentThread());
        });
        assertThat(maxSeen.get()).isEqualTo(1);
        assertThat(steps.get()).isEqualTo(50 * 200);
        assertThat(VirtualThreads.serial()).isTrue();
    }

    @Test
    void goOnTheCarrierThreadRunsTheCoroutineAtOnceUntilItWaits() throws Exception {
        try (Scheduler s = Scheduler.serial("go-at-once")) {
            List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            s.execute(() -> { // a callback on the carrier (as a reactor dispatching an event)
                order.add("caller before");
                long cid = s.go(() -> {
                    order.add("coroutine starts on " + (Thread.currentThread().isVirtual() ? "a coroutine" : "?"));
                    Coroutine.sleep(0.02);
                    order.add("coroutine ends");
                    done.countDown();
                });
                order.add("caller after, coroutine " + (Coroutine.exists(cid) ? "waiting" : "gone"));
            });
            assertThat(done.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(order).containsExactly("caller before", "coroutine starts on a coroutine",
                    "caller after, coroutine waiting", "coroutine ends");
            // from another thread the coroutine is queued to the carrier, as before
            List<String> queued = java.util.Collections.synchronizedList(new ArrayList<>());
            java.util.concurrent.CountDownLatch ran = new java.util.concurrent.CountDownLatch(1);
            s.execute(() -> {
                try {
                    Thread.sleep(50); // keeps the carrier busy while another thread calls go()
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                queued.add("carrier task ends");
            });
            s.go(() -> {
                queued.add("coroutine runs");
                ran.countDown();
            });
            assertThat(ran.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(queued).containsExactly("carrier task ends", "coroutine runs");
        }
    }

    @Test
    void jdkSleepSocketAndFileParkOnlyTheirCoroutine() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> events = new ArrayList<>();
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile("co", ".txt");
            long t0 = System.nanoTime();
            Coroutine.run(() -> {
                WaitGroup wg = new WaitGroup(4);
                Coroutine.go(() -> {
                    try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                        events.add("read " + (char) in.read());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    wg.done();
                });
                Coroutine.go(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    events.add("slept");
                    wg.done();
                });
                Coroutine.go(() -> {
                    try {
                        CoSystem.writeFile(tmp.toString(), "hello".getBytes());
                        CoSystem.writeFile(tmp.toString(), " world".getBytes(), true);
                        events.add("file " + new String(CoSystem.readFile(tmp.toString())));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    wg.done();
                });
                Coroutine.go(() -> {
                    try (Socket c = new Socket(server.getInetAddress(), server.getLocalPort());
                         OutputStream out = c.getOutputStream()) {
                        Coroutine.sleep(0.05);
                        events.add("send");
                        out.write('x');
                        out.flush();
                        Coroutine.sleep(0.02);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    wg.done();
                });
                events.add("main continues");
                wg.await();
            });
            double ms = (System.nanoTime() - t0) / 1e6;
            assertThat(events).containsExactlyInAnyOrder("main continues", "file hello world", "send", "read x", "slept");
            assertThat(events.get(0)).isEqualTo("main continues");
            assertThat(events.indexOf("send")).isLessThan(events.indexOf("read x"));
            assertThat(events.indexOf("read x")).isLessThan(events.indexOf("slept"));
            assertThat(ms).isLessThan(1000);
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    @Test
    void anOrphanedVirtualThreadWokenAfterItsSchedulerClosedDoesNotBreakIo() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Coroutine.run(() -> Thread.ofVirtual().start(() -> {
                // inherits the run's scheduler, and is still parked in accept() when the run returns
                try (Socket s = server.accept()) {
                    s.getInputStream().read();
                } catch (Exception e) {
                    // closed
                }
            }));
            try (Socket c = new Socket(server.getInetAddress(), server.getLocalPort())) {
                c.getOutputStream().write('x');
                Thread.sleep(50);
            }
            // the JDK's I/O poller survived waking the orphan: virtual-thread I/O still works
            String[] got = new String[1];
            Coroutine.run(() -> {
                Coroutine.go(() -> {
                    try (Socket s = server.accept()) {
                        got[0] = "accepted " + (char) s.getInputStream().read();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try (Socket c = new Socket(server.getInetAddress(), server.getLocalPort())) {
                    c.getOutputStream().write('y');
                    Coroutine.sleep(0.05);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(got[0]).isEqualTo("accepted y");
        }
    }

    @Test
    void coSystemExecAndDns() throws Exception {
        Coroutine.run(() -> {
            try {
                CoSystem.ExecResult r = CoSystem.exec("echo hi; exit 3");
                assertThat(r.output()).isEqualTo("hi\n");
                assertThat(r.code()).isEqualTo(3);
                assertThat(CoSystem.exec("echo err >&2", true).output()).isEqualTo("err\n");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            assertThat(CoSystem.gethostbyname("localhost")).isEqualTo("127.0.0.1");
            assertThat(CoSystem.getaddrinfo("127.0.0.1", CoSystem.AF_INET)).containsExactly("127.0.0.1");
            assertThat(CoSystem.gethostbyname("no-such-host.invalid", CoSystem.AF_INET, 2)).isNull();
        });
    }

    @Test
    void coSystemWaitCanBeCanceled() {
        Coroutine.run(() -> {
            io.jswoole.SwooleException[] got = new io.jswoole.SwooleException[1];
            long cid = Coroutine.go(() -> {
                try {
                    CoSystem.exec("sleep 5");
                } catch (io.jswoole.SwooleException e) {
                    got[0] = e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Coroutine.sleep(0.02);
            assertThat(Coroutine.cancel(cid)).isTrue();
            Coroutine.join(new long[] {cid}, 1);
            assertThat(got[0].error()).isEqualTo(io.jswoole.ErrorCode.CO_CANCELED);
        });
    }
}
