package io.jswoole.server.process;

import io.jswoole.log.Log;
import io.jswoole.server.Server;
import io.jswoole.server.SockType;
import io.jswoole.server.reactor.Transport;
import io.jswoole.server.spi.FrameInput;
import io.jswoole.server.spi.FrameOutput;
import io.jswoole.server.spi.PortProtocol;
import io.jswoole.server.spi.Wire;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.io.DataOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The frames between the master and its worker JVMs (PROCESS mode), over one Unix stream socket per worker.
 * <pre>
 * frame  := length:int32 (of type + body, big-endian)  type:int8  body
 * master to worker                          worker to master
 *  1 CONNECT  port:i16 fd:i32 session:i64    20 HELLO    worker:i32 pid:i64
 *             reactor:i32                    21 SEND     fd:i32 session:i64 data:bytes
 *  2 RECEIVE  port fd session reactor data   22 CLOSE    fd session reset:i8
 *  3 CLOSE    port fd session reactor        23 SENDTO   ip:str port:i32 sock:i32 data:bytes
 *  4 PACKET   port address:str rport:i32     24 CONTROL  op:i8 fd session   (pause, resume, protect...)
 *             sport:i32 time:f64 data
 *  5 BUFFER   port fd session full:i8        26 CALL     id:i64 op:i8 args:value
 *  6 REPLY    id:i64 value                   27 CLOSED   fd session   (close handled: free the fd)
 *  7 STOP     (finish in-flight work, exit)  28 DONE     events:i32  (finished since the last DONE)
 *  8 HALF_CLOSE fd session (the peer shut     29 HALF_CLOSED fd session (the receives before it
 *             its output down)                            have run: the master may close)
 *  9 TASK     src:i32 id:i32 flags:i8 data   9 TASK (worker to master) dst:i32 id flags data
 * 10 FINISH   id:i32 flags:i8 data          31 TASK_RESULT src:i32 id flags data (from a task worker)
 * 11 PIPE     src:i32 message               32 PIPE_TO  dst:i32 message   (sendMessage)
 * 12 MESSAGE  port fd session reactor       33 WRITE    port:i16 fd session reply
 *            message (a port protocol's)                 (a port protocol's reply)
 *                                           34 TASKS_RETIRED n:i32 (src:i32 id:i32) x n   (task_max_request
 *                                              reached: these run on, the other tasks sent go to the replacement)
 * In MESSAGE and WRITE the protocol's {@code PortProtocol.Remote} writes and reads what follows the header.
 * A CALL's op is a {@link ToMaster.Query}; id 0 wants no REPLY.
 * task data, message := a {@link Values} encoding; flags: 1 = the sender awaits it itself, 2 = failed (task worker
 * died), 4 = ended without a result
 * bytes := length:int32 + bytes;  str := bytes (UTF-8);  value := {@link Values}
 * </pre>
 * Each frame type is a record of {@link ToWorker} or {@link ToMaster}, which build and read them; this class
 * holds the framing: the type codes, the builders of the two hot frames, the reader and the master's writer.
 * <p>A session is a number unique to one connection for the life of the master: commands carry the session of the
 * connection they mean, so a late command for an fd that was closed and reused is dropped, not misdelivered.
 * <p>The master runs each worker's socket on one of its reactors (Netty), the worker JVM on the thread that
 * carries its coroutines ({@link MasterLink}); both write every frame queued during a round with one write. When a worker dies, the frames it had not received whole wait
 * for its replacement; frames it may have read are not repeated (at most once).
 */
public final class Ipc {
    static final byte CONNECT = 1, RECEIVE = 2, CLOSE = 3, PACKET = 4, BUFFER = 5, REPLY = 6, STOP = 7,
            HALF_CLOSE = 8, TASK = 9, FINISH = 10, PIPE = 11, MESSAGE = 12;
    static final byte HELLO = 20, SEND = 21, CLOSE_FD = 22, SENDTO = 23, CONTROL = 24, CALL = 26,
            CLOSED = 27, DONE = 28, HALF_CLOSED = 29, TASK_RESULT = 31, PIPE_TO = 32, WRITE = 33, TASKS_RETIRED = 34,
            COROUTINES = 35;
    /**
     * Task flags: the sender waits for the result itself (callback or taskwait); the task failed; the task ended
     * without a result (the master forgets it and tells nobody).
     */
    static final byte TASK_REPLY = 1, TASK_FAILED = 2, TASK_NONE = 4;
    static final byte OP_PAUSE = 1, OP_RESUME = 2, OP_PROTECT = 3, OP_UNPROTECT = 4;
    /** The key of a task in flight: the sending worker and its task id. */
    static long taskKey(int src, int id) {
        return ((long) src << 32) | (id & 0xffffffffL);
    }

    /** The port protocols that write and read the bodies of MESSAGE and WRITE frames, by port index. */
    @FunctionalInterface
    interface Protocols {
        PortProtocol.Remote remote(int port);

        static Protocols of(Server server) {
            return port -> server.ports().get(port).protocol().remote();
        }
    }

    /**
     * Refuses a frame with bytes left after its fields: both ends come from one build, so it means a corrupt
     * stream. A protocol's body (MESSAGE, WRITE) is the protocol's to read.
     */
    static void ended(byte type, FrameInput in) throws IOException {
        if (type != MESSAGE && type != WRITE && in.remaining() != 0) {
            throw new IOException("IPC frame type " + type + " has " + in.remaining() + " bytes left over");
        }
    }

    /** Frames larger than this are refused (a corrupt length must not allocate gigabytes). */
    static final int MAX_FRAME = 256 << 20;

    private Ipc() {
    }

    /** Builds one frame: {@code body} writes the fields after the type. */
    static ByteBuffer frame(byte type, Body body) {
        FrameOutput out = new FrameOutput(256); // an HTTP request or response head fits
        out.writeInt(0);
        out.writeByte(type);
        try {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.setInt(0, out.size() - 4);
        return out.toBuffer();
    }

    /** The hot frame master to worker, built in one exactly sized buffer: RECEIVE. */
    static ByteBuffer receive(int port, int fd, long session, int reactor, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + 4 + 8 + 4 + 4 + data.length);
        b.putInt(b.capacity() - 4).put(RECEIVE).putShort((short) port).putInt(fd).putLong(session).putInt(reactor)
                .putInt(data.length).put(data);
        return b.flip();
    }

    /** The hot frame worker to master, built in one exactly sized buffer: SEND. */
    static ByteBuffer send(int fd, long session, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 4 + 8 + 4 + data.length);
        b.putInt(b.capacity() - 4).put(SEND).putInt(fd).putLong(session).putInt(data.length).put(data);
        return b.flip();
    }

    @FunctionalInterface
    interface Body {
        void write(FrameOutput out) throws IOException;
    }

    static void bytes(DataOutput out, byte[] b) throws IOException {
        Wire.writeBytes(out, b);
    }

    static byte[] bytes(FrameInput in) throws IOException {
        return Wire.readBytes(in);
    }

    static void str(DataOutput out, String s) throws IOException {
        Wire.writeString(out, s);
    }

    static String str(FrameInput in) throws IOException {
        return Wire.readString(in);
    }

    @FunctionalInterface
    interface FrameHandler {
        void handle(byte type, FrameInput body) throws IOException;
    }

    /** The handlers that cut a socket's bytes into frames and hand each to {@code handler}. */
    static ChannelHandler[] reader(FrameHandler handler, Consumer<Throwable> onError) {
        return new ChannelHandler[] {new LengthFieldBasedFrameDecoder(MAX_FRAME + 4, 0, 4, 0, 4),
            new SimpleChannelInboundHandler<ByteBuf>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws IOException {
                    if (!frame.isReadable()) {
                        throw new IOException("empty IPC frame");
                    }
                    byte type = frame.readByte();
                    // parsed in place (the handler copies what it keeps)
                    handler.handle(type, new FrameInput(frame.nioBuffer()));
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    onError.accept(cause);
                    ctx.close();
                }
            }};
    }

    /** What a listening IPC socket does with a JVM that connects: its first frame names it, the rest are its. */
    interface Peer<T> {
        /** The first frame on {@code ch}: who connected (an exception closes the socket). */
        T hello(Channel ch, ToMaster m) throws IOException;

        /** Every later frame of {@code who}. */
        void command(T who, Channel ch, ToMaster m) throws IOException;

        /** The socket of {@code who} closed. */
        void lost(T who, Channel ch);
    }

    /**
     * Binds the Unix socket {@code path} (owner-only: the JVMs connect before they drop to another user) on
     * {@code loops}, each connection served by one of them and its frames handed to {@code peer}; a failed link is
     * logged unless {@code quiet} says the server is stopping.
     */
    static <T> Channel listen(EventLoopGroup loops, Path path, Protocols protocols, Peer<T> peer,
            BooleanSupplier quiet) throws IOException {
        Files.deleteIfExists(path);
        var bound = new ServerBootstrap().group(loops)
                .channel(Transport.serverChannel(SockType.UNIX_STREAM))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        List<T> me = new ArrayList<>(1);
                        ch.pipeline().addLast(reader((type, in) -> {
                            ToMaster m = ToMaster.decode(type, in, protocols);
                            if (me.isEmpty()) {
                                me.add(peer.hello(ch, m));
                            } else {
                                peer.command(me.get(0), ch, m);
                            }
                        }, e -> {
                            if (!quiet.getAsBoolean()) {
                                Log.warning("worker link failed: " + e);
                            }
                        }));
                        ch.closeFuture().addListener(f -> {
                            if (!me.isEmpty()) {
                                peer.lost(me.get(0), ch);
                            }
                        });
                    }
                })
                .bind(Transport.EPOLL ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path))
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot bind " + path + ": " + bound.cause());
        }
        Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return bound.channel();
    }

    /**
     * The master's frames for one worker JVM: {@link #send} queues from any thread and never blocks; the event
     * loop of the attached socket writes every queued frame and flushes once per round. The queue outlives the
     * worker JVM: frames queued while no socket is attached (the worker is being replaced) wait for the next
     * {@link #attach}.
     * <p>A frame counts as reached once the socket took it whole ({@link #reached}). When the worker dies,
     * {@link #detach} puts the frames it had not reached back at the front of the queue, for the replacement; a
     * frame that reached the dead JVM may have been read, so it is not sent twice (at most once).
     */
    static final class Writer {
        private static final ByteBuffer HAND_OVER = ByteBuffer.allocate(0);
        /** Frames are copied into direct buffers of at most this size (a larger frame gets one of its own). */
        private static final int CHUNK = 256 * 1024;
        private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
        /** Given to the current socket, not yet known to have reached it. */
        private final ArrayDeque<ByteBuffer> unconfirmed = new ArrayDeque<>();
        private Channel channel;
        /** The socket whose loop has a round of this writer queued (a replacement gets its own). */
        private Channel drainQueuedFor;
        /** Bumped at each attach and detach: a late confirmation from an old socket changes nothing. */
        private int generation;

        synchronized void send(ByteBuffer frame) {
            queue.add(frame);
            scheduleDrain();
        }

        /**
         * Ends writing to the current socket after the frames queued so far; frames queued later wait for the
         * next {@link #attach} (the replacement worker).
         */
        synchronized void handOver() {
            queue.add(HAND_OVER);
            scheduleDrain();
        }

        synchronized int queued() {
            return queue.size();
        }

        /** True once {@code frame} (given to {@link #send}) reached the worker's socket whole. */
        synchronized boolean reached(ByteBuffer frame) {
            return !frame.hasRemaining();
        }

        /** Starts writing to {@code ch} (after the frames a previous socket had not taken whole). */
        synchronized void attach(Channel ch) {
            detach();
            channel = ch;
            scheduleDrain();
        }

        /**
         * Stops writing to the current socket: the frames it had not taken whole go back to the front of the
         * queue, in order.
         */
        synchronized void detach() {
            channel = null;
            generation++;
            for (var it = unconfirmed.descendingIterator(); it.hasNext(); ) {
                ByteBuffer f = it.next();
                if (f.hasRemaining()) {
                    queue.addFirst(f);
                }
            }
            unconfirmed.clear();
        }

        private void scheduleDrain() {
            if (channel != null && drainQueuedFor != channel) {
                Channel ch = channel;
                drainQueuedFor = ch;
                ch.eventLoop().execute(() -> drain(ch));
            }
        }

        private void drain(Channel ch) {
            List<ByteBuffer> batch = new ArrayList<>();
            int gen;
            synchronized (this) {
                if (drainQueuedFor == ch) {
                    drainQueuedFor = null;
                }
                if (channel != ch) {
                    return;
                }
                while (!unconfirmed.isEmpty() && !unconfirmed.peekFirst().hasRemaining()) {
                    unconfirmed.pollFirst();
                }
                ByteBuffer f;
                while ((f = queue.pollFirst()) != null) {
                    if (f == HAND_OVER) {
                        channel = null;
                        break;
                    }
                    batch.add(f);
                }
                unconfirmed.addAll(batch);
                gen = generation;
            }
            // frames go out copied into direct buffers of up to CHUNK bytes: one allocation, one promise per chunk
            int from = 0;
            while (from < batch.size()) {
                int to = from;
                int bytes = 0;
                do {
                    bytes += batch.get(to++).remaining();
                } while (to < batch.size() && bytes + batch.get(to).remaining() <= CHUNK);
                ByteBuf chunk = ch.alloc().directBuffer(bytes);
                for (int i = from; i < to; i++) {
                    chunk.writeBytes(batch.get(i).duplicate());
                }
                List<ByteBuffer> frames = batch.subList(from, to);
                chunk.retain(); // kept past the write: how far it got tells which frames went out whole
                ch.write(chunk).addListener(done -> {
                    try {
                        confirm(frames, done.isSuccess() ? Integer.MAX_VALUE : chunk.readerIndex(), gen);
                    } finally {
                        chunk.release();
                    }
                });
                from = to;
            }
            ch.flush();
        }

        /** The frames of a chunk whose {@code written} first bytes reached the socket: those that fit went whole. */
        private synchronized void confirm(List<ByteBuffer> frames, int written, int gen) {
            if (gen != generation) {
                return;
            }
            int end = 0;
            for (ByteBuffer f : frames) {
                end += f.remaining();
                if (end > written) {
                    return;
                }
                f.position(f.limit());
            }
        }
    }
}
