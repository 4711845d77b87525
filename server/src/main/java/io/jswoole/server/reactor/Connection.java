package io.jswoole.server.reactor;

import io.jswoole.log.Log;
import io.jswoole.server.Port;
import io.jswoole.server.config.PortConfig;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.worker.EventGate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One live stream connection, named by its session id {@code fd}.
 * <p>Output: every {@link #send} is one buffer in a queue that the connection's event loop drains and flushes
 * once per batch, so the bytes of two sends never interleave, whichever threads they come from, and a burst of
 * sends costs one flush. {@link #close} goes through the same queue, after what was sent before it.
 * <p>Event order (the gate): the {@code connect} callback finishes before any {@code receive} callback of the
 * connection starts; the {@code close} callback starts after every {@code receive} callback has finished; the fd
 * is freed for reuse only after that, so a late {@code send} from an old handler can never reach a new
 * connection. Receive callbacks of one connection may run concurrently when they block (as in Swoole).
 */
public final class Connection {
    /** Session ids stay below 2^24 and wrap, as in Swoole. */
    public static final int MAX_FD = (1 << 24) - 1;
    private static final AtomicLong SESSIONS = new AtomicLong();
    private static final Object CLOSE = new Object();
    private static final Object RESET = new Object();

    public final int fd;
    public final int reactorId;
    public final Port port;
    public final Channel channel;
    public final String remoteIp;
    final int remotePort;
    final long connectTime = System.currentTimeMillis() / 1000;
    /** Monotonic receive time (heartbeat and idle checks never follow the wall clock). */
    volatile long lastRecvNanos = System.nanoTime();
    volatile long lastSendNanos = lastRecvNanos;
    /** Queued output reached buffer_high_watermark and has not fallen to the low one since. */
    volatile boolean outputFull;
    /** Exempt from the heartbeat ({@code protect(fd)}). */
    volatile boolean protect;
    volatile long lastRecvMillis;
    volatile long lastSendMillis;
    volatile long lastDispatchMillis;
    public volatile long uid;
    public volatile int workerId = -1;
    /** Set when the socket is gone (either side closed it). */
    public volatile boolean closed;
    /** Set when the server (not the peer) closed it: the close callback then gets a negative reactorId. */
    volatile boolean closedByServer;
    final AtomicLong sendQueued = new AtomicLong();
    /** Odd while the event loop moves a buffer from {@link #sendQueued} into Netty's outbound buffer. */
    private volatile int moving;
    /** PROCESS mode: worker JVMs that still have to confirm a half-close before the connection closes. */
    public final java.util.concurrent.atomic.AtomicInteger halfCloseAcks =
            new java.util.concurrent.atomic.AtomicInteger();

    /** The longest a graceful close waits for queued output to leave before it resets the connection. */
    static final int CLOSE_WAIT_SECONDS = 60;
    /** Set by a {@code close(fd, true)}: a second one has nothing left to do. */
    private volatile boolean resetRequested;
    /** Event loop only: the close has been taken from the queue; what follows it is dropped. */
    private boolean closing;

    /**
     * Output waiting for the event loop, from any thread. Chunks of 16 slots, linked as it fills: Netty's default
     * MPSC queue allocates 1,024 slots (4 KB) at once, half of what an idle connection cost (issue 22).
     */
    private final Queue<Object> outbound = PlatformDependent.newMpscQueue(OUTBOUND_CHUNK, 1 << 30);
    private static final int OUTBOUND_CHUNK = 16;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;

    /** Why reading is paused (event loop only): by the user, by backed-up output, until confirm(). */
    static final int PAUSE_USER = 1, PAUSE_OUTPUT = 2, PAUSE_DELAY = 4, PAUSE_SHUTDOWN = 8;
    private int pauseReasons;

    private final ReentrantLock writableLock = new ReentrantLock();
    private final Condition writableChanged = writableLock.newCondition();

    /** The order of this connection's events (see the class comment). */
    final EventGate gate = new EventGate();
    /** Unique to this connection for the life of the server (an fd is reused, a session never). */
    public final long session = SESSIONS.incrementAndGet();

    /** The settings of {@link #port} for this start (read on every send). */
    public final PortConfig portConfig;

    Connection(int fd, int reactorId, Port port, Channel channel, String remoteIp, int remotePort) {
        this.fd = fd;
        this.reactorId = reactorId;
        this.port = port;
        this.portConfig = port == null ? null : ServerAccess.config(port); // null: the table's placeholder
        this.channel = channel;
        this.remoteIp = remoteIp;
        this.remotePort = remotePort;
    }

    /** Bytes arrived now (heartbeat, idle checks, {@code getClientInfo}'s last_time). */
    void receivedNow() {
        lastRecvNanos = System.nanoTime();
        lastRecvMillis = System.currentTimeMillis();
    }

    /**
     * Queues {@code msg} (a ByteBuf, or a message the pipeline's encoders understand; ownership passes) for this
     * connection; false when it is closed.
     */
    boolean send(Object msg) {
        if (closed) {
            if (msg instanceof Awaited a) {
                a.dropped();
            } else {
                ReferenceCountUtil.release(msg);
            }
            return false;
        }
        if (msg instanceof ByteBuf buf) {
            sendQueued.addAndGet(buf.readableBytes());
        } else if (msg instanceof Awaited a) {
            sendQueued.addAndGet(a.buf().readableBytes());
        }
        outbound.offer(msg);
        schedule();
        return true;
    }

    /**
     * Closes the connection: gracefully after the output queued so far has been written (at most
     * {@link #CLOSE_WAIT_SECONDS} for a peer that does not read, then reset), or with {@code reset} at once with an
     * RST, dropping queued output, also on a connection that is already closing gracefully. False when it is gone,
     * or when this close asks for nothing more than one before it did.
     */
    public boolean close(boolean reset) {
        if (closed) {
            return false;
        }
        if (reset) {
            if (resetRequested) {
                return false;
            }
            resetRequested = true;
            closedByServer = true;
            channel.eventLoop().execute(this::reset);
            return true;
        }
        if (closedByServer) {
            return false;
        }
        closedByServer = true;
        return closeAfterOutput(false);
    }

    /** Queues the close behind the output (for a peer's half-close: not counted as a close by the server). */
    public boolean closeAfterOutput(boolean reset) {
        if (closed) {
            return false;
        }
        outbound.offer(reset ? RESET : CLOSE);
        schedule();
        return true;
    }

    /** Event loop: drops what is queued and closes with an RST. */
    private void reset() {
        discardOutput();
        if (channel.isOpen()) {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
            channel.close();
        }
    }

    /**
     * Event loop: closes once everything written before has left (Netty's {@code close()} would fail the writes
     * still in its outbound buffer). An empty write completes after every write before it, so its completion is
     * the moment; a peer that reads nothing for {@link #CLOSE_WAIT_SECONDS} is reset instead.
     */
    private void closeWhenWritten() {
        closing = true;
        var timeout = channel.eventLoop().schedule(() -> {
            if (channel.isOpen()) {
                Log.warning("fd " + fd + ": " + queuedBytes() + " bytes still unsent " + CLOSE_WAIT_SECONDS
                        + " s after a graceful close; resetting the connection");
                reset();
            }
        }, CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            timeout.cancel(false);
            channel.close();
        });
    }

    private void schedule() {
        if (drainScheduled.compareAndSet(false, true)) {
            channel.eventLoop().execute(drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        Object o;
        boolean wrote = false;
        while ((o = outbound.poll()) != null) {
            if (o != CLOSE && o != RESET) {
                Awaited awaited = o instanceof Awaited a ? a : null;
                Object msg = awaited != null ? awaited.buf() : o;
                int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
                if (closed || closing || !channel.isActive()) {
                    sendQueued.addAndGet(-bytes);
                    if (awaited != null) {
                        awaited.dropped();
                    } else {
                        ReferenceCountUtil.release(o);
                    }
                    continue;
                }
                // counted in Netty's outbound buffer first, then no longer here: queuedBytes() never undercounts,
                // and a reader on another thread waits out the move so it does not count the buffer twice
                moving++;
                if (awaited != null) {
                    channel.write(msg).addListener(f -> awaited.written().complete(f.isSuccess()));
                } else {
                    channel.write(o, channel.voidPromise());
                }
                sendQueued.addAndGet(-bytes);
                moving++;
                wrote = true;
            } else {
                if (wrote) {
                    channel.flush();
                    wrote = false;
                }
                if (closing) {
                    continue; // a close is already under way
                }
                if (o == RESET) {
                    reset();
                } else {
                    closeWhenWritten();
                }
            }
        }
        if (wrote) {
            channel.flush();
            lastSendMillis = System.currentTimeMillis();
            lastSendNanos = System.nanoTime();
        }
        if (outputFull) {
            ServerAccess.runtime(port.server()).intake().outputDrained(this);
        }
    }

    /** Closes now, dropping queued output (a dead or non-reading peer). */
    void abort() {
        closedByServer = true;
        channel.close();
    }

    /** Bytes queued for this connection and not yet written to the socket. */
    public long queuedBytes() {
        var out = channel.unsafe().outboundBuffer();
        if (channel.eventLoop().inEventLoop()) {
            return sendQueued.get() + (out == null ? 0 : out.totalPendingWriteBytes());
        }
        while (true) { // a consistent pair: no buffer moved between the two reads
            int m = moving;
            if ((m & 1) == 0) {
                long queued = sendQueued.get() + (out == null ? 0 : out.totalPendingWriteBytes());
                if (moving == m) {
                    return queued;
                }
            }
            Thread.onSpinWait();
        }
    }

    /** Shutdown: no new receive from this connection; its protocol says goodbye its own way. */
    public void stopReading() {
        if (port.protocol() != null) {
            channel.eventLoop().execute(() -> port.protocol().drain(channel));
        } else {
            pauseReading(PAUSE_SHUTDOWN, true);
        }
    }

    /** Sets or clears a reason to stop reading; reading resumes when no reason is left. */
    void pauseReading(int reason, boolean pause) {
        channel.eventLoop().execute(() -> {
            pauseReasons = pause ? pauseReasons | reason : pauseReasons & ~reason;
            channel.config().setAutoRead(pauseReasons == 0);
        });
    }

    /** Wakes coroutines waiting in {@link #awaitRoom} (the output drained, or the connection closed). */
    void signalWritable() {
        writableLock.lock();
        try {
            writableChanged.signalAll();
        } finally {
            writableLock.unlock();
        }
    }

    /** {@code send_yield}: waits until {@code bytes} more fit under {@code cap}; false on timeout or close. */
    boolean awaitRoom(long bytes, long cap, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        writableLock.lock();
        try {
            while (queuedBytes() + bytes > cap) {
                if (closed || closedByServer) {
                    return false;
                }
                long left = timeoutNanos <= 0 ? TimeUnit.MILLISECONDS.toNanos(50) : deadline - System.nanoTime();
                if (timeoutNanos > 0 && left <= 0) {
                    return false;
                }
                // a bounded wait: the drain that frees room may come from a write completing, not an event
                writableChanged.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            writableLock.unlock();
        }
    }

    /** Output whose sender waits until it is written to the socket ({@code sendwait}). */
    record Awaited(ByteBuf buf, java.util.concurrent.CompletableFuture<Boolean> written) {
        void dropped() {
            buf.release();
            written.complete(false);
        }
    }

    /** Drops queued output of a connection that is gone. */
    void discardOutput() {
        Object o;
        while ((o = outbound.poll()) != null) {
            if (o instanceof Awaited a) {
                a.dropped();
                continue;
            }
            ReferenceCountUtil.release(o);
        }
        sendQueued.set(0);
    }

    int socketFd() {
        return channel instanceof io.netty.channel.unix.UnixChannel u ? u.fd().intValue() : -1;
    }
}
