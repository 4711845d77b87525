package io.jswoole.http;

import io.jswoole.ErrorCode;
import io.jswoole.LastError;
import io.jswoole.server.spi.ProtocolSupport;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;

/**
 * The HTTP/2 stream a {@link Response} answers on ({@link Response#stream()}): what a protocol built on HTTP/2
 * (gRPC) needs beyond Swoole's response API, in every mode.
 * <p>{@link #reset} ends the stream with RST_STREAM and an error code, as grpc-java's server does with CANCEL when a
 * call's deadline passes (its client then reports DEADLINE_EXCEEDED, "cancelled at or after deadline").
 * <p>{@link #isReady} and {@link #onReady} are the stream's write flow control, gRPC's {@code isReady}/{@code onReady}:
 * the body bytes {@link Response#write} sent that have not reached the socket yet (queued for the connection's event
 * loop, held by Netty's flow controller for the client's window, or on their way from a worker JVM) are counted;
 * from {@link #READY_THRESHOLD} on the stream is not ready, and when they fall below it again the onReady hook runs.
 * The count is kept where the handler writes (so a write is counted before it returns); the connection's event loop
 * reports what reached the socket: at once in one JVM, and from a PROCESS-mode master as a message to the worker JVM
 * (batched: 16 KiB, or when the stream drained there). Counting starts with the first {@code isReady} or
 * {@code onReady} call, so a plain streaming response costs nothing. In PROCESS mode the reports reach the worker
 * only with dispatch_mode 2 or 4 (they are dispatched as the connection's other messages are); with another mode
 * nothing is counted and the stream is always ready.
 */
public final class H2Stream {
    /** Unwritten bytes from which a stream is not ready: grpc-java's {@code DEFAULT_ONREADY_THRESHOLD}. */
    public static final int READY_THRESHOLD = 32 * 1024;
    /** A PROCESS-mode master reports written bytes once this many are unreported, or when the stream drained. */
    static final int REPORT_AT = READY_THRESHOLD / 2;

    /** Body bytes whose arrival on the socket is reported to their stream ({@code stream} null: in a worker JVM). */
    static final class Data extends DefaultHttpContent {
        final H2Stream stream;

        Data(ByteBuf content, H2Stream stream) {
            super(content);
            this.stream = stream;
        }
    }

    /** Master to worker JVM: {@code n} counted bytes of stream {@code seq} reached the socket. */
    record Written(long seq, int n) {
    }

    /** A response piece that resets its stream with {@code errorCode}. */
    record Reset(long errorCode) {
    }

    private final HttpServer server;
    private final int fd;
    private final long seq;
    private boolean watched, counting, ended;
    private long unwritten;
    private Runnable onReady;
    /** The worker JVM's streams that wait for {@code Written} reports, when this is one of them. */
    private HttpRemote registry;

    H2Stream(HttpServer server, int fd, long seq) {
        this.server = server;
        this.fd = fd;
        this.seq = seq;
    }

    /** The stream id ({@code $request->streamId}). */
    public int id() {
        return (int) seq;
    }

    /**
     * Resets the stream with {@code errorCode} (an HTTP/2 error code: 8 is CANCEL): the response ends there, what it
     * sent and the client has not read is dropped, and later writes are refused. False when the response had ended
     * ({@code WRONG_OPERATION}) or the connection is gone.
     */
    public boolean reset(long errorCode) {
        if (errorCode < 0 || errorCode > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("an HTTP/2 error code is 0 to 2^32-1, not " + errorCode);
        }
        synchronized (this) {
            if (ended) {
                return LastError.fail(ErrorCode.WRONG_OPERATION);
            }
            ended = true;
        }
        unregister();
        return ProtocolSupport.write(server, fd, new Out(seq, new Reset(errorCode), true, false));
    }

    /** Whether the response is still open and fewer than {@link #READY_THRESHOLD} of its bytes wait to be written. */
    public synchronized boolean isReady() {
        watch();
        return !ended && unwritten < READY_THRESHOLD;
    }

    /** Body bytes written and not yet on the socket (0 until counting starts: {@link #isReady}, {@link #onReady}). */
    public synchronized long unwritten() {
        return unwritten;
    }

    /**
     * Runs {@code hook} each time the stream becomes ready again (its unwritten bytes fell below the threshold),
     * on the connection's event loop or a worker JVM's IPC reader: it must not block. Replaces an earlier hook.
     */
    public synchronized void onReady(Runnable hook) {
        watch();
        onReady = hook;
    }

    private void watch() {
        if (watched) {
            return;
        }
        watched = true;
        if (!ProtocolSupport.inWorkerProcess(server)) {
            counting = true;
            return;
        }
        // the reports are dispatched as the connection's messages are: only sticky modes bring them to this JVM
        Object dm = server.setting().getOrDefault("dispatch_mode", 2);
        counting = dm instanceof Number n && (n.intValue() == 2 || n.intValue() == 4);
        if (counting && !ended) {
            registry = (HttpRemote) server.protocol().remote();
            registry.streams().put(new HttpProtocol.BodyKey(fd, seq), this);
        }
    }

    /** A piece of the response goes out: body bytes are counted (when watched); nothing after a reset. */
    boolean send(Out o) {
        boolean last;
        synchronized (this) {
            if (ended) {
                H2Connection.release(o);
                return false;
            }
            if (counting && !o.last() && o.msg().getClass() == DefaultHttpContent.class) {
                ByteBuf b = ((DefaultHttpContent) o.msg()).content();
                unwritten += b.readableBytes();
                o = new Out(o.seq(), new Data(b, this), false, o.close());
            }
            last = o.last();
            ended |= last;
        }
        if (last) {
            unregister();
        }
        return ProtocolSupport.write(server, fd, o);
    }

    /** {@code n} counted bytes reached the socket (the event loop, or a worker JVM's IPC reader). */
    void written(int n) {
        Runnable hook;
        synchronized (this) {
            boolean wasReady = unwritten < READY_THRESHOLD;
            unwritten = Math.max(0, unwritten - n);
            hook = !wasReady && unwritten < READY_THRESHOLD && !ended ? onReady : null;
        }
        if (hook != null) {
            hook.run(); // outside the lock: the hook may write, and a write takes it
        }
    }

    private void unregister() {
        HttpRemote r;
        synchronized (this) {
            r = registry;
            registry = null;
        }
        if (r != null) {
            r.streams().remove(new HttpProtocol.BodyKey(fd, seq), this);
        }
    }
}
