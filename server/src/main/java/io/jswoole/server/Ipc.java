package io.jswoole.server;

import io.jswoole.server.spi.Wire;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
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
 *             sport:i32 time:f64 data        25 BIND     fd session uid:i64
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
 * In MESSAGE and WRITE the protocol's {@code PortProtocol.Remote} writes and reads what follows the header.
 * task data, message := a {@link Values} encoding; flags: 1 = the sender awaits it itself, 2 = failed (task worker
 * died), 4 = ended without a result
 * bytes := length:int32 + bytes;  str := bytes (UTF-8);  value := {@link Values}
 * </pre>
 * A session is a number unique to one connection for the life of the master: commands carry the session of the
 * connection they mean, so a late command for an fd that was closed and reused is dropped, not misdelivered.
 * <p>Writes are batched: a writer thread takes every queued frame and writes them with one gathering write.
 * When a worker dies, the frames it had not received whole wait for its replacement; frames it may have read are
 * not repeated (at most once).
 */
final class Ipc {
    static final byte CONNECT = 1, RECEIVE = 2, CLOSE = 3, PACKET = 4, BUFFER = 5, REPLY = 6, STOP = 7,
            HALF_CLOSE = 8, TASK = 9, FINISH = 10, PIPE = 11, MESSAGE = 12;
    static final byte HELLO = 20, SEND = 21, CLOSE_FD = 22, SENDTO = 23, CONTROL = 24, BIND = 25, CALL = 26,
            CLOSED = 27, DONE = 28, HALF_CLOSED = 29, TASK_RESULT = 31, PIPE_TO = 32, WRITE = 33;
    /**
     * Task flags: the sender waits for the result itself (callback or taskwait); the task failed; the task ended
     * without a result (the master forgets it and tells nobody).
     */
    static final byte TASK_REPLY = 1, TASK_FAILED = 2, TASK_NONE = 4;
    static final byte OP_PAUSE = 1, OP_RESUME = 2, OP_PROTECT = 3, OP_UNPROTECT = 4;
    /** What a worker JVM asks the master (CALL frames). */
    static final byte CALL_EXISTS = 1, CALL_INFO = 2, CALL_LIST = 3, CALL_STATS = 4, CALL_HEARTBEAT = 5,
            CALL_SHUTDOWN = 6, CALL_CONNECTIONS = 7, CALL_RELOAD = 8, CALL_RETIRE = 9, CALL_STOP_WORKER = 10,
            CALL_WORKER_PID = 11, CALL_WORKER_STATUS = 12, CALL_PROTOCOL = 13;

    /** The key of a task in flight: the sending worker and its task id. */
    static long taskKey(int src, int id) {
        return ((long) src << 32) | (id & 0xffffffffL);
    }

    /** Frames larger than this are refused (a corrupt length must not allocate gigabytes). */
    static final int MAX_FRAME = 256 << 20;

    private Ipc() {
    }

    /** Builds one frame: {@code body} writes the fields after the type. */
    static ByteBuffer frame(byte type, Body body) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256); // an HTTP request or response head fits
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0);
            out.writeByte(type);
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
        b.putInt(0, b.remaining() - 4);
        return b;
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
        void write(DataOutputStream out) throws IOException;
    }

    static void bytes(DataOutputStream out, byte[] b) throws IOException {
        Wire.writeBytes(out, b);
    }

    static byte[] bytes(DataInputStream in) throws IOException {
        return Wire.readBytes(in);
    }

    static void str(DataOutputStream out, String s) throws IOException {
        Wire.writeString(out, s);
    }

    static String str(DataInputStream in) throws IOException {
        return Wire.readString(in);
    }

    /**
     * Reads frames from {@code ch} until EOF and hands each to {@code handler} as (type, body stream). Returns
     * normally at EOF; throws when the stream is corrupt.
     */
    static void readLoop(SocketChannel ch, FrameHandler handler) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        while (true) {
            if (ch.read(buf) < 0) {
                return;
            }
            buf.flip();
            while (buf.remaining() >= 4) {
                int len = buf.getInt(buf.position());
                if (len < 1 || len > MAX_FRAME) {
                    throw new IOException("corrupt IPC frame length " + len);
                }
                if (buf.remaining() < 4 + len) {
                    if (buf.capacity() < 4 + len) {
                        ByteBuffer bigger = ByteBuffer.allocate(Math.max(4 + len, buf.capacity() * 2));
                        bigger.put(buf);
                        buf = bigger;
                        buf.flip();
                    }
                    break;
                }
                buf.getInt();
                byte type = buf.get();
                // the handler reads the body in place (it copies what it keeps) before the buffer moves on
                ByteBuffer body = buf.slice(buf.position(), len - 1);
                buf.position(buf.position() + len - 1);
                handler.handle(type, new DataInputStream(new BufferInput(body)));
            }
            buf.compact();
        }
    }

    /** An InputStream over a ByteBuffer, so a frame is parsed where it was read. */
    private static final class BufferInput extends java.io.InputStream {
        private final ByteBuffer b;

        BufferInput(ByteBuffer b) {
            this.b = b;
        }

        @Override
        public int read() {
            return b.hasRemaining() ? b.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] dst, int off, int len) {
            if (!b.hasRemaining()) {
                return len == 0 ? 0 : -1;
            }
            int n = Math.min(len, b.remaining());
            b.get(dst, off, n);
            return n;
        }

        @Override
        public int available() {
            return b.remaining();
        }
    }

    @FunctionalInterface
    interface FrameHandler {
        void handle(byte type, DataInputStream body) throws IOException;
    }

    /**
     * Writes frames for one socket from a queue, on its own thread, every ready frame in one gathering write.
     * {@link #send} never blocks the caller; frames queued while the socket is being replaced wait in the queue.
     */
    static final class Writer {
        private static final ByteBuffer HAND_OVER = ByteBuffer.allocate(0);
        private final LinkedBlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
        private final String name;
        private volatile SocketChannel channel;
        private volatile Thread thread;

        Writer(String name) {
            this.name = name;
        }

        synchronized void send(ByteBuffer frame) {
            queue.add(frame);
        }

        /**
         * Ends writing to the current socket after the frames queued so far; frames queued later wait for the
         * next {@link #attach} (the replacement worker).
         */
        synchronized void handOver() {
            queue.add(HAND_OVER);
        }

        int queued() {
            return queue.size();
        }

        /** Starts writing to {@code ch}; {@code onError} runs once if a write fails. */
        synchronized void attach(SocketChannel ch, Consumer<IOException> onError) {
            channel = ch;
            thread = Thread.ofPlatform().daemon().name(name).start(() -> run(ch, onError));
        }

        /**
         * Stops writing to the current socket. When it returns (called from another thread), the writer thread has
         * ended: the frames it had not written whole are back in the queue, and a frame written whole has no
         * bytes remaining.
         */
        void detach() {
            Thread t;
            synchronized (this) {
                channel = null;
                t = thread;
            }
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
                try {
                    t.join(2_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        /** Drops the frames queued for a peer that will never read them. */
        void clear() {
            queue.clear();
        }

        private void run(SocketChannel ch, Consumer<IOException> onError) {
            List<ByteBuffer> batch = new ArrayList<>();
            try {
                while (channel == ch) {
                    ByteBuffer first = queue.take();
                    batch.add(first);
                    queue.drainTo(batch, 1023);
                    int stop = indexOfHandOver(batch);
                    if (stop >= 0) {
                        synchronized (this) {
                            // frames after the hand-over marker go back to the front of the queue, in order
                            List<ByteBuffer> rest = new ArrayList<>(batch.subList(stop + 1, batch.size()));
                            batch.subList(stop, batch.size()).clear();
                            queue.drainTo(rest);
                            queue.addAll(rest);
                            if (channel == ch) {
                                channel = null;
                            }
                        }
                        write(ch, batch);
                        return;
                    }
                    write(ch, batch);
                    batch.clear();
                }
            } catch (InterruptedException e) {
                // detached
            } catch (IOException e) {
                requeueUnsent(batch);
                if (channel == ch) {
                    onError.accept(e);
                }
            }
        }

        /**
         * The peer died: frames it never received whole go back to the front of the queue, for the replacement
         * (a frame fully written may have been read, so it is not sent twice).
         */
        private synchronized void requeueUnsent(List<ByteBuffer> batch) {
            List<ByteBuffer> unsent = new ArrayList<>();
            for (ByteBuffer b : batch) {
                if (b.hasRemaining()) {
                    unsent.add(b.rewind());
                }
            }
            queue.drainTo(unsent);
            queue.addAll(unsent);
        }

        private static int indexOfHandOver(List<ByteBuffer> batch) {
            for (int i = 0; i < batch.size(); i++) {
                if (batch.get(i) == HAND_OVER) {
                    return i;
                }
            }
            return -1;
        }

        private static void write(SocketChannel ch, List<ByteBuffer> batch) throws IOException {
            ByteBuffer[] arr = batch.toArray(ByteBuffer[]::new);
            long left = 0;
            for (ByteBuffer b : arr) {
                left += b.remaining();
            }
            while (left > 0) {
                left -= ch.write(arr);
            }
        }
    }
}
