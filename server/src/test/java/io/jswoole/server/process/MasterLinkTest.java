package io.jswoole.server.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker JVM's end of the IPC socket, against a plain Unix socket standing in for the master. */
class MasterLinkTest {
    private Path dir;
    private ServerSocketChannel master;
    private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final List<Thread> handlerThreads = new ArrayList<>();

    @BeforeEach
    void listen() throws IOException {
        dir = Files.createTempDirectory("jswoole-link");
        master = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        master.bind(UnixDomainSocketAddress.of(dir.resolve("m.sock")));
    }

    @AfterEach
    void close() throws IOException {
        master.close();
        Files.deleteIfExists(dir.resolve("m.sock"));
        Files.deleteIfExists(dir);
    }

    private MasterLink link() throws IOException {
        MasterLink link = new MasterLink("test-link");
        link.connect(dir.resolve("m.sock").toString(), (type, in) -> {
            handlerThreads.add(Thread.currentThread());
            byte[] body = new byte[in.remaining()];
            in.readFully(body);
            received.add(type + ":" + new String(body));
        });
        return link;
    }

    private static ByteBuffer frame(int type, byte[] body) {
        ByteBuffer b = ByteBuffer.allocate(5 + body.length);
        return b.putInt(1 + body.length).put((byte) type).put(body).flip();
    }

    /** Reads one frame the link wrote, as "type:body". */
    private static String readFrame(SocketChannel ch) throws IOException {
        DataInputStream in = new DataInputStream(java.nio.channels.Channels.newInputStream(ch));
        int len = in.readInt();
        byte type = in.readByte();
        byte[] body = in.readNBytes(len - 1);
        return type + ":" + new String(body);
    }

    @Test
    void framesCrossBothWaysInOrderAndAreHandledOnTheLinkThread() throws Exception {
        MasterLink link = link();
        try (SocketChannel worker = master.accept()) {
            for (int i = 0; i < 100; i++) {
                link.send(frame(21, ("up" + i).getBytes()));
            }
            for (int i = 0; i < 100; i++) {
                assertThat(readFrame(worker)).isEqualTo("21:up" + i);
            }
            // several frames in one write, one split across two writes, one larger than the read buffer
            byte[] big = new byte[200_000];
            java.util.Arrays.fill(big, (byte) 'x');
            ByteBuffer two = ByteBuffer.allocate(64);
            two.put(frame(2, "a".getBytes())).put(frame(2, "b".getBytes())).flip();
            worker.write(two);
            ByteBuffer split = frame(2, "split".getBytes());
            worker.write(split.slice(0, 3));
            Thread.sleep(20);
            worker.write(split.position(3));
            worker.write(frame(2, big));
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("2:a");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("2:b");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("2:split");
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("2:" + new String(big));
            // two large frames back to back (the buffer keeps its size for the second), then a small one (it
            // shrinks back)
            ByteBuffer twoBig = ByteBuffer.allocate(2 * (5 + big.length));
            twoBig.put(frame(3, big)).put(frame(4, big)).flip();
            worker.write(twoBig);
            worker.write(frame(2, "after".getBytes()));
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("3:" + new String(big));
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("4:" + new String(big));
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("2:after");
            assertThat(handlerThreads).allMatch(t -> t.getName().equals("test-link"));
        }
    }

    @Test
    void tasksRunOnTheLinkThreadFromAnyThreadAndStillRunAfterTheMasterIsGone() throws Exception {
        MasterLink link = link();
        CompletableFuture<Boolean> onLink = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> link.execute(() -> onLink.complete(link.inLoop())));
        assertThat(onLink.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(link.inLoop()).isFalse();
        master.accept().close(); // the master goes away
        CountDownLatch ended = new CountDownLatch(1);
        Thread.ofPlatform().start(() -> {
            link.awaitClosed();
            ended.countDown();
        });
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> after = new CompletableFuture<>();
        link.execute(() -> after.complete("ran"));
        assertThat(after.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
        link.send(frame(21, "dropped".getBytes())); // nowhere to go: dropped, no error
        link.flush(100);
    }

    @Test
    void aCorruptLengthEndsTheLink() throws Exception {
        MasterLink link = link();
        try (SocketChannel worker = master.accept()) {
            worker.write(ByteBuffer.allocate(4).putInt(-5).flip());
            CountDownLatch ended = new CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                link.awaitClosed();
                ended.countDown();
            });
            assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void flushWaitsUntilQueuedFramesWereWritten() throws Exception {
        MasterLink link = link();
        try (SocketChannel worker = master.accept()) {
            byte[] body = new byte[1 << 20]; // more than the socket buffers hold: the reader must drain it
            CompletableFuture<String> read = CompletableFuture.supplyAsync(() -> {
                try {
                    return readFrame(worker);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            link.send(frame(27, body));
            link.flush(5_000);
            assertThat(read.get(5, TimeUnit.SECONDS)).hasSize(3 + body.length);
        }
    }
}
