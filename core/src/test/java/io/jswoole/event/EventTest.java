package io.jswoole.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.coroutine.Coroutine;
import io.jswoole.log.Log;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Event} with real sockets and pipes on 127.0.0.1. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EventTest {
    private final List<String> logged = new CopyOnWriteArrayList<>();

    @BeforeEach
    void captureLog() {
        Log.sink((level, message, cause) -> logged.add(message));
    }

    @AfterEach
    void restoreLog() {
        Log.sink(null);
        Event.bufferSize(Event.DEFAULT_BUFFER_SIZE);
    }

    private static String text(ByteBuffer b) {
        b.flip();
        return StandardCharsets.UTF_8.decode(b).toString();
    }

    @Test
    void aServerSocketAndItsConnectionsAnswerAsCoroutinesOfTheLoop() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        String[] reply = new String[3];
        Coroutine.run(() -> {
            try {
                ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
                int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
                assertThat(Event.add(listener, l -> {
                    SocketChannel c = l.accept();
                    if (c == null) {
                        return;
                    }
                    seen.add("accept in coroutine " + (Coroutine.getCid() != -1));
                    Event.add(c, s -> {
                        ByteBuffer buf = ByteBuffer.allocate(256);
                        if (s.read(buf) < 0) {
                            Event.del(s);
                            s.close();
                            if (seen.stream().filter(x -> x.startsWith("closed")).count() == 2) {
                                Event.del(l);
                                l.close();
                            }
                            seen.add("closed");
                            return;
                        }
                        Event.write(s, ("hello: " + text(buf)).getBytes(StandardCharsets.UTF_8));
                    });
                })).isTrue();
                assertThat(Event.isset(listener, Event.READ)).isTrue();
                assertThat(Event.isset(listener, Event.WRITE)).isFalse();
                for (int i = 0; i < 3; i++) {
                    int id = i;
                    Coroutine.go(() -> {
                        try (SocketChannel client = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
                            client.write(ByteBuffer.wrap(("ping " + id).getBytes(StandardCharsets.UTF_8)));
                            ByteBuffer in = ByteBuffer.allocate(256);
                            client.read(in);
                            reply[id] = text(in);
                        } catch (IOException e) {
                            reply[id] = e.toString();
                        }
                    });
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }); // returns once every channel was deleted: channels keep Coroutine.run going, as in Co\run
        assertThat(reply).containsExactly("hello: ping 0", "hello: ping 1", "hello: ping 2");
        assertThat(seen).contains("accept in coroutine true").filteredOn("closed"::equals).hasSize(3);
    }

    @Test
    void aCallbackLeavingDataUnreadIsCalledAgainAndDelStopsIt() throws Exception {
        Pipe pipe = Pipe.open();
        AtomicInteger calls = new AtomicInteger();
        StringBuilder got = new StringBuilder();
        Coroutine.run(() -> {
            Event.add(pipe.source(), src -> {
                ByteBuffer one = ByteBuffer.allocate(1); // one byte per call: level-triggered, called again
                src.read(one);
                got.append((char) one.get(0));
                if (calls.incrementAndGet() == 5) {
                    assertThat(Event.del(src)).isTrue();
                }
            });
            try {
                pipe.sink().write(ByteBuffer.wrap("abcdefgh".getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(got).hasToString("abcde");
        Thread.sleep(200);
        assertThat(calls).hasValue(5); // deleted: the three bytes left wake nothing
        assertThat(Event.isset(pipe.source())).isFalse();
        assertThat(Event.del(pipe.source())).isFalse();
        pipe.source().close();
        pipe.sink().close();
    }

    @Test
    void writeQueuesUnderASlowReaderWithinTheCapAndFlushesEverything() throws Exception {
        Event.bufferSize(256 * 1024);
        try (ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            SocketChannel peer;
            SocketChannel writer = SocketChannel.open(listener.getLocalAddress());
            peer = listener.accept();
            long[] accepted = {0};
            long[] maxQueued = {0};
            boolean[] refused = {false};
            int[] lastError = {0};
            long[] read = {0};
            boolean[] inOrder = {true};
            Coroutine.run(() -> {
                Event.add(writer, w -> { }, null, Event.READ);
                byte[] chunk = new byte[64 * 1024];
                int seq = 0;
                // the peer reads nothing yet: the kernel's buffers fill, then the loop's queue up to the cap
                while (!refused[0]) {
                    java.util.Arrays.fill(chunk, (byte) seq);
                    if (Event.write(writer, chunk)) {
                        accepted[0] += chunk.length;
                        seq++;
                        maxQueued[0] = Math.max(maxQueued[0], Event.queued(writer));
                    } else {
                        refused[0] = true;
                        lastError[0] = LastError.get();
                    }
                }
                long total = accepted[0];
                Coroutine.go(() -> {
                    // now the peer reads, slowly at first; the loop flushes the queue as the socket drains
                    ByteBuffer in = ByteBuffer.allocate(8192);
                    long n = 0;
                    try {
                        while (n < total) {
                            in.clear();
                            int r = peer.read(in);
                            for (int i = 0; i < r; i++) {
                                if (in.get(i) != (byte) ((n + i) / (64 * 1024))) {
                                    inOrder[0] = false;
                                }
                            }
                            n += r;
                            if (n < 512 * 1024) {
                                Coroutine.sleep(0.001);
                            }
                        }
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                    read[0] = n;
                    while (Event.queued(writer) > 0) {
                        Coroutine.sleep(0.01);
                    }
                    Event.del(writer);
                });
            });
            assertThat(refused[0]).isTrue();
            assertThat(lastError[0]).isEqualTo(ErrorCode.OUTPUT_BUFFER_OVERFLOW.code());
            assertThat(maxQueued[0]).isLessThanOrEqualTo(256 * 1024).isPositive();
            assertThat(read[0]).isEqualTo(accepted[0]);
            assertThat(inOrder[0]).isTrue();
            assertThat(logged).filteredOn(m -> m.contains("output buffer overflow")).hasSize(1);
            writer.close();
            peer.close();
        }
    }

    @Test
    void writeFlushesThenTheWriteCallbackRuns() throws Exception {
        Pipe pipe = Pipe.open();
        List<String> order = new CopyOnWriteArrayList<>();
        Coroutine.run(() -> {
            Event.add(pipe.sink(), null, s -> {
                order.add("writable, queued " + Event.queued(s));
                Event.del(s);
            }, Event.WRITE);
            Event.write(pipe.sink(), "x".getBytes(StandardCharsets.US_ASCII));
        });
        assertThat(order).containsExactly("writable, queued 0");
        ByteBuffer b = ByteBuffer.allocate(4);
        pipe.source().read(b);
        assertThat(text(b)).isEqualTo("x");
        pipe.sink().close();
        pipe.source().close();
    }

    @Test
    void deferRunsAfterTheCurrentCallbackInTheOrderGiven() {
        List<String> order = new CopyOnWriteArrayList<>();
        Coroutine.run(() -> {
            order.add("a");
            Event.defer(() -> order.add("c"));
            Event.defer(() -> order.add("d"));
            order.add("b");
        });
        assertThat(order).containsExactly("a", "b", "c", "d");
    }

    @Test
    void cycleHooksRunBeforeAndAfterEachRoundAndNullClearsThem() throws Exception {
        Pipe pipe = Pipe.open();
        List<String> order = new CopyOnWriteArrayList<>();
        Coroutine.run(() -> {
            assertThat(Event.cycle(() -> order.add("after"))).isTrue();
            assertThat(Event.cycle(() -> order.add("before"), true)).isTrue();
            Event.add(pipe.source(), src -> {
                src.read(ByteBuffer.allocate(16));
                order.add("read");
                Event.del(src);
                assertThat(Event.cycle(null, true)).isTrue();
                assertThat(Event.cycle(null)).isTrue();
                assertThat(Event.cycle(null)).isFalse();
            });
            try {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(order).containsExactly("before", "read", "after");
        pipe.sink().close();
        pipe.source().close();
    }

    @Test
    void awaitRunsAScriptsLoopUntilNoChannelIsLeft() throws Exception {
        DatagramChannel udp = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        List<String> got = new CopyOnWriteArrayList<>();
        assertThat(Event.add(udp, u -> {
            ByteBuffer b = ByteBuffer.allocate(64);
            u.receive(b);
            got.add(text(b) + " in coroutine " + (Coroutine.getCid() != -1));
            if (got.size() == 2) {
                Event.del(u);
            }
        })).isTrue();
        assertThat(Event.await(0.2)).isFalse(); // a channel is left: the loop goes on
        Thread.ofPlatform().start(() -> {
            try (DatagramChannel out = DatagramChannel.open()) {
                Thread.sleep(100);
                out.send(ByteBuffer.wrap("one".getBytes()), udp.getLocalAddress());
                out.send(ByteBuffer.wrap("two".getBytes()), udp.getLocalAddress());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long t0 = System.nanoTime();
        Event.await();
        assertThat(System.nanoTime() - t0).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(90));
        assertThat(got).containsExactly("one in coroutine true", "two in coroutine true");
        assertThat(Event.dispatch()).isFalse(); // nothing in the loop: no round to wait for
        udp.close();
    }

    @Test
    void aCallbackThatThrowsIsRemovedWithSwoolesWarning() throws Exception {
        Pipe pipe = Pipe.open();
        Coroutine.run(() -> {
            Event.add(pipe.source(), src -> {
                throw new IllegalStateException("boom");
            });
            try {
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(Event.isset(pipe.source())).isFalse();
        assertThat(logged).anyMatch(m -> m.startsWith("Event: onRead callback handler error, ")
                && m.endsWith(" will be removed from the loop"));
        pipe.sink().close();
        pipe.source().close();
    }

    @Test
    void badCallsFailWithSwoolesMessages() throws Exception {
        Pipe pipe = Pipe.open();
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Event.Handler<Pipe.SourceChannel> noop = c -> { };
        Coroutine.run(() -> {
            assertThat(Event.add(pipe.source(), null, null, Event.READ)).isFalse();
            assertThat(Event.add(listener, l -> { }, l -> { }, Event.WRITE)).isFalse();
            assertThat(Event.add(pipe.source(), noop, null, 0)).isFalse();
            assertThat(Event.add(pipe.source(), noop)).isTrue();
            assertThat(Event.add(pipe.source(), noop)).isFalse();
            assertThat(LastError.get()).isEqualTo(ErrorCode.INVALID_PARAMS.code());
            assertThat(Event.write(pipe.sink(), new byte[] {1})).isFalse();
            assertThat(Event.write(pipe.source(), new byte[0])).isFalse();
            assertThat(Event.set(pipe.sink(), null, null, Event.READ)).isFalse();
            assertThat(Event.set(pipe.source(), null, null, Event.WRITE)).isFalse();
            assertThat(Event.del(pipe.source())).isTrue();
            try {
                SocketChannel closed = SocketChannel.open();
                closed.close();
                assertThat(Event.add(closed, c -> { })).isFalse();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(logged).containsSubsequence(
                "Event::add(): both read and write callbacks are empty",
                "Event::add(): invalid events: ServerSocketChannel " + listener.getLocalAddress()
                        + " cannot be written",
                "Event::add(): invalid events",
                "Event::add(): already exist",
                "Event::write(): socket[SinkChannel] is not found in the reactor",
                "Event::write(): data empty",
                "Event::set(): socket[SinkChannel] is not found in the reactor",
                "Event::set(): invalid events: SourceChannel cannot be written");
        assertThat(logged).anyMatch(m -> m.startsWith("Event::add(): swoole_event_add failed: SocketChannel")
                && m.endsWith(" is closed"));
        listener.close();
        pipe.sink().close();
        pipe.source().close();
    }

    @Test
    void aChannelClosedWithoutDelLeavesTheLoopWithOneLine() throws Exception {
        Pipe pipe = Pipe.open();
        long t0 = System.nanoTime();
        Coroutine.run(() -> {
            Event.add(pipe.source(), src -> { });
            Coroutine.go(() -> {
                Coroutine.sleep(0.05);
                try {
                    pipe.source().close(); // no del: the loop notices at its next round
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }); // returns once the closed channel has left the loop
        assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(Event.isset(pipe.source())).isFalse();
        assertThat(logged).filteredOn(m -> m.endsWith("was closed without Event.del; it is removed from the loop"))
                .hasSize(1);
        pipe.sink().close();
    }

    @Test
    void dispatchRunsOneRoundAndSetReplacesACallback() throws Exception {
        Pipe pipe = Pipe.open();
        List<String> got = new CopyOnWriteArrayList<>();
        assertThat(Event.add(pipe.source(), src -> {
            src.read(ByteBuffer.allocate(16));
            got.add("first");
        })).isTrue();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Thread.sleep(100);
                pipe.sink().write(ByteBuffer.wrap(new byte[] {1}));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        assertThat(Event.dispatch()).isTrue(); // waits for the round the write makes
        writer.join();
        assertThat(Event.set(pipe.source(), src -> {
            src.read(ByteBuffer.allocate(16));
            got.add("second");
            Event.del(src);
        }, null)).isTrue();
        pipe.sink().write(ByteBuffer.wrap(new byte[] {2}));
        assertThat(Event.await(10)).isTrue();
        assertThat(got).containsExactly("first", "second");
        pipe.source().close();
        pipe.sink().close();
    }
}
