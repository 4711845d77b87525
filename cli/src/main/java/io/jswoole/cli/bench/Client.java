package io.jswoole.cli.bench;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * One of the {@code -c} clients: its share of {@code -n}, its window of {@code -P} requests waiting for replies,
 * its schedule under {@code -R}, and what happens when its connection fails. The transport (a stream connection,
 * one per request for {@code short_tcp}, or a datagram socket) is the subclass's.
 *
 * <p>Everything runs on the client's event loop; nothing here is shared with other threads. Requests are
 * numbered per client; {@code head} is the oldest one waiting, {@code next} the one to send next, and the two
 * rings hold, per request waiting, when it was sent and when it was scheduled (the same in a closed loop).
 */
abstract class Client {
    /** Sends more than this late (behind their schedule under {@code -R}) are counted as late. */
    private static final long LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    final Run run;
    final EventLoop loop;
    final LoopStats stats;
    final Unit unit;
    private final int window;
    private final int mask;
    private final long[] sentAt;
    private final long[] intendedAt;
    /** Requests answered ahead of {@code head} (HTTP/2 streams finish in any order), by slot. */
    private final boolean[] answered;
    /** Requests this client may still send (Long.MAX_VALUE without {@code -n}). */
    private long budget;
    private final long interval;
    private long nextIntended;
    private boolean wakeup;
    long head;
    long next;
    boolean stopping;
    boolean done;
    /** When connecting began to fail (0 while it does not), for giving up after {@code --timeout}. */
    private long failingSince;
    private int failures;
    /** The current connection (null between connections), and whether requests can go on it. */
    Channel channel;
    boolean open;

    Client(Run run, EventLoop loop, LoopStats stats, long budget, long interval, long firstIntended) {
        this.run = run;
        this.loop = loop;
        this.stats = stats;
        this.unit = run.unit;
        this.window = run.window;
        int size = Integer.highestOneBit(Math.max(1, window - 1)) << 1;
        this.mask = size - 1;
        this.sentAt = new long[size];
        this.intendedAt = new long[size];
        this.answered = new boolean[size];
        this.budget = budget;
        this.interval = interval;
        this.nextIntended = firstIntended;
    }

    /** Starts connecting; on the loop. */
    abstract void start();

    /** Whether requests can be written now (connected, handshake done). */
    boolean ready() {
        return open;
    }

    void write(ByteBuf request) {
        channel.write(request, channel.voidPromise());
    }

    /** The bytes a request adds to the sent count: the whole request as the unit wrote it, unless overridden. */
    int wireBytes(ByteBuf request) {
        return request.readableBytes();
    }

    void flush() {
        channel.flush();
    }

    /** Closes the connection without counting anything (the run is over for this client). */
    abstract void close();

    /** The oldest request waited past {@code --timeout}: what waits fails, and the connection is replaced. */
    abstract void timeout();

    /** When the request about to be sent started, for its latency (short_tcp: when its connect began). */
    long sendTime(long now) {
        return now;
    }

    int waiting() {
        return (int) (next - head);
    }

    /** Whether there is a request to send now or later. */
    boolean hasWork() {
        return !stopping && budget > 0;
    }

    /** Whether the next request is due (always, in a closed loop); else a wake-up is scheduled for it. */
    boolean due(long now) {
        if (interval == 0 || nextIntended - now <= 0) {
            return true;
        }
        if (!wakeup) {
            wakeup = true;
            loop.schedule(() -> {
                wakeup = false;
                fill();
            }, nextIntended - now, TimeUnit.NANOSECONDS);
        }
        return false;
    }

    /** At the end of {@code -d} (for a request scheduled from then on, under -R) the client stops sending. */
    final boolean pastDeadline(long now) {
        long end = run.deadline;
        if (end != 0 && (interval > 0 ? nextIntended : now) - end >= 0) {
            stopping = true;
        }
        return stopping;
    }

    /** Sends what the window, the budget and the schedule allow; on the loop. */
    void fill() {
        if (done) {
            return;
        }
        if (ready()) {
            long now = System.nanoTime();
            boolean wrote = false;
            while (waiting() < window && hasWork() && !pastDeadline(now) && due(now)) {
                long intended = now;
                if (interval > 0) {
                    intended = nextIntended;
                    nextIntended += interval;
                    if (now - intended > LATE_NANOS) {
                        stats.late(intended);
                    }
                }
                ByteBuf b = run.alloc.buffer();
                unit.writeRequest(b, next);
                int slot = (int) (next & mask);
                long sent = sendTime(now);
                sentAt[slot] = sent;
                intendedAt[slot] = Math.min(intended, sent);
                next++;
                if (stats.measuring(sent)) {
                    budget--; // -n counts the requests measured, not those of the warm-up
                }
                stats.sent(sent, wireBytes(b));
                write(b);
                wrote = true;
            }
            if (wrote) {
                flush();
            }
        }
        finishIfIdle();
    }

    /** The reply to the oldest request waiting; on the loop. Answers the error class, null when good. */
    final String replied(ByteBuf reply) {
        long now = System.nanoTime();
        int slot = (int) (head & mask);
        String error = unit.check(reply, head, run.options.verify());
        if (error == null) {
            stats.ok(sentAt[slot], intendedAt[slot], now);
        } else {
            stats.failed(sentAt[slot], error, now);
        }
        head++;
        return error;
    }

    /**
     * The reply to request {@code seq}, which need not be the oldest waiting (HTTP/2 streams end in any order):
     * counted with its own send time; {@code head} moves past every request answered.
     */
    final void answered(long seq, String error) {
        long now = System.nanoTime();
        int slot = (int) (seq & mask);
        if (error == null) {
            stats.ok(sentAt[slot], intendedAt[slot], now);
        } else {
            stats.failed(sentAt[slot], error, now);
        }
        answered[slot] = true;
        while (head < next && answered[(int) (head & mask)]) {
            answered[(int) (head & mask)] = false;
            head++;
        }
    }

    /** Fails every request waiting, under {@code errorClass}. */
    final void failWaiting(String errorClass) {
        long now = System.nanoTime();
        for (; head < next; head++) {
            int slot = (int) (head & mask);
            if (answered[slot]) {
                answered[slot] = false;
            } else {
                stats.failed(sentAt[slot], errorClass, now);
            }
        }
    }

    /** The oldest request waiting has waited past {@code --timeout}. */
    final boolean timedOut(long now) {
        return waiting() > 0 && now - sentAt[(int) (head & mask)] > run.timeoutNanos;
    }

    /** A connection attempt succeeded. */
    final void connectSucceeded() {
        failingSince = 0;
        failures = 0;
        run.connected(this);
    }

    /**
     * A connection attempt failed: counted under {@code errorClass}; retried with a growing pause (50 ms to 1 s)
     * until connecting has failed for {@code --timeout}, then this client gives up.
     */
    final void connectFailed(String errorClass, Runnable retry) {
        stats.connectFailed(errorClass);
        long now = System.nanoTime();
        if (failingSince == 0) {
            failingSince = now;
        }
        run.connectFailed(this);
        if (stopping || done || now - failingSince > run.timeoutNanos || run.aborted()) {
            giveUp();
            return;
        }
        long pause = Math.min(1000, 50L << Math.min(failures++, 5));
        loop.schedule(retry, pause, TimeUnit.MILLISECONDS);
    }

    /** A {@code tls://} connection of this client failed before its handshake was done: a failed connect. */
    final void handshakeFailed(Channel ch, String errorClass, Runnable reconnect) {
        if (ch == channel && !done) {
            channel = null;
            connectFailed(errorClass, reconnect);
        }
    }

    private void giveUp() {
        if (!done) {
            if (!stopping && budget > 0 && budget != Long.MAX_VALUE) {
                run.unsent.addAndGet(budget);
            }
            done = true;
            close();
            run.clientDone();
        }
    }

    /** Ends this client once nothing waits and nothing is left to send (never in {@code --hold}). */
    final void finishIfIdle() {
        if (!done && waiting() == 0 && !hasWork() && !run.holding) {
            done = true;
            close();
            run.clientDone();
        }
    }

    /** Stops sending (the end of {@code -d}); what waits still gets its reply or times out. */
    final void stop() {
        stopping = true;
        finishIfIdle();
    }

    /** Ends now: what still waits fails as a timeout. */
    final void abort(String errorClass) {
        stopping = true;
        failWaiting(errorClass);
        if (!done) {
            done = true;
            close();
            run.clientDone();
        }
    }
}
