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
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One live stream connection, named by its session id {@code fd}.
 * <p>Output: every {@link #send} is one buffer in a queue that the connection's event loop drains and flushes
 * once per batch, so the bytes of two sends never interleave, whichever threads they come from, and a burst of
 * sends costs one flush. {@link #close} goes through the same queue, after what was sent before it.
 * <p>Event order (the gate): the {@code connect} callback finishes before any {@code receive} callback of the
 * connection starts; the {@code close} callback starts after every {@code receive} callback has finished; the fd
 * is freed for reuse only after that, so a late {@code send} from an old handler can never reach a new
 * connection. Receive callbacks of one connection may run concurrently when they block (as in Swoole).
 * <p>Memory: an idle connection holds nothing it does not need (issue 22). The output queue is a stack of nodes
 * that is empty (null) between bursts, the counters are fields behind {@link VarHandle}s rather than atomic
 * objects, and the rare {@code send_yield} wait uses this object's monitor (virtual threads wait on a monitor
 * without pinning their carrier since JDK 24).
 */
public final class Connection {
    /** Session ids stay below 2^24 and wrap, as in Swoole. */
    public static final int MAX_FD = (1 << 24) - 1;
    private static final AtomicLong SESSIONS = new AtomicLong();
    private static final Object CLOSE = new Object();
    private static final Object RESET = new Object();
    private static final VarHandle SEND_QUEUED, HALF_CLOSE_ACKS, PENDING;

    static {
        try {
            var lookup = MethodHandles.lookup();
            SEND_QUEUED = lookup.findVarHandle(Connection.class, "sendQueued", long.class);
            HALF_CLOSE_ACKS = lookup.findVarHandle(Connection.class, "halfCloseAcks", int.class);
            PENDING = lookup.findVarHandle(Connection.class, "pending", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
    /** Bytes of sends not yet handed to Netty (through {@link #SEND_QUEUED}). */
    private volatile long sendQueued;
    /** Odd while the event loop moves a buffer from {@link #sendQueued} into Netty's outbound buffer. */
    private volatile int moving;
    /** PROCESS mode: worker JVMs that still have to confirm a half-close before the connection closes. */
    private volatile int halfCloseAcks;

    /** The longest a graceful close waits for queued output to leave before it resets the connection. */
    static final int CLOSE_WAIT_SECONDS = 60;
    /** Set by a {@code close(fd, true)}: a second one has nothing left to do. */
    private volatile boolean resetRequested;
    /** Event loop only: the close has been taken from the queue; what follows it is dropped. */
    private boolean closing;

    /**
     * Output waiting for the event loop, from any thread, newest first (null when none): a sender pushes with one
     * CAS, and the one that finds the stack empty schedules the drain, which takes the whole stack at once and
     * writes it oldest first. An idle connection pays one reference for it; Netty's MPSC queue cost 4 KB (its first
     * 1,024-slot chunk), then 660 bytes in 16-slot chunks (the padded queue object).
     */
    private volatile Node pending;
    private final Runnable drain = this::drain;

    /** One queued message and the one queued before it. */
    private static final class Node {
        final Object msg;
        Node next;

        Node(Object msg) {
            this.msg = msg;
        }
    }

    /** Why reading is paused (event loop only): by the user, by backed-up output, until confirm(). */
    static final int PAUSE_USER = 1, PAUSE_OUTPUT = 2, PAUSE_DELAY = 4, PAUSE_SHUTDOWN = 8;
    private int pauseReasons;

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
            SEND_QUEUED.getAndAdd(this, (long) buf.readableBytes());
        } else if (msg instanceof Awaited a) {
            SEND_QUEUED.getAndAdd(this, (long) a.buf().readableBytes());
        }
        push(msg);
        return true;
    }

    /** Queues {@code msg} for the event loop; the sender that finds nothing queued schedules the drain. */
    private void push(Object msg) {
        Node n = new Node(msg);
        Node top;
        do {
            top = pending;
            n.next = top;
        } while (!PENDING.compareAndSet(this, top, n));
        if (top == null) {
            channel.eventLoop().execute(drain);
        }
    }

    /** Takes everything queued, oldest first (null when nothing is). */
    private Node takeAll() {
        Node n = (Node) PENDING.getAndSet(this, (Node) null);
        Node oldest = null;
        while (n != null) { // reverse the stack in place
            Node next = n.next;
            n.next = oldest;
            oldest = n;
            n = next;
        }
        return oldest;
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
        push(reset ? RESET : CLOSE);
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

    private void drain() {
        boolean wrote = false;
        for (Node n = takeAll(); n != null; n = n.next) {
            Object o = n.msg;
            if (o != CLOSE && o != RESET) {
                Awaited awaited = o instanceof Awaited a ? a : null;
                Object msg = awaited != null ? awaited.buf() : o;
                int bytes = msg instanceof ByteBuf buf ? buf.readableBytes() : 0;
                if (closed || closing || !channel.isActive()) {
                    SEND_QUEUED.getAndAdd(this, (long) -bytes);
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
                SEND_QUEUED.getAndAdd(this, (long) -bytes);
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
            return sendQueued + (out == null ? 0 : out.totalPendingWriteBytes());
        }
        while (true) { // a consistent pair: no buffer moved between the two reads
            int m = moving;
            if ((m & 1) == 0) {
                long queued = sendQueued + (out == null ? 0 : out.totalPendingWriteBytes());
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

    /** Bytes sent and not yet handed to Netty ({@code getClientInfo}'s send_queued_bytes). */
    long sendQueued() {
        return sendQueued;
    }

    /** PROCESS mode: the worker JVMs that must confirm a half-close before the connection closes. */
    public void expectHalfCloseAcks(int workers) {
        halfCloseAcks = workers;
    }

    /** PROCESS mode: one worker JVM confirmed the half-close; true for the last one. */
    public boolean halfCloseAcked() {
        return (int) HALF_CLOSE_ACKS.getAndAdd(this, -1) == 1;
    }

    /** Wakes coroutines waiting in {@link #awaitRoom} (the output drained, or the connection closed). */
    synchronized void signalWritable() {
        notifyAll();
    }

    /** {@code send_yield}: waits until {@code bytes} more fit under {@code cap}; false on timeout or close. */
    synchronized boolean awaitRoom(long bytes, long cap, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
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
                TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
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
        for (Node n = takeAll(); n != null; n = n.next) {
            if (n.msg instanceof Awaited a) {
                a.dropped();
            } else {
                ReferenceCountUtil.release(n.msg);
            }
        }
        sendQueued = 0;
    }

    int socketFd() {
        return channel instanceof io.netty.channel.unix.UnixChannel u ? u.fd().intValue() : -1;
    }
}
