package io.jswoole.http;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A streamed request body in a PROCESS-mode master: the bytes the event loop decodes go on to the worker JVM that
 * holds the request, as {@link Part} messages behind the request itself (dispatch modes 2 and 4 send every message
 * of a connection to one worker); the worker JVM's {@link RequestBody} reports what its handler read as
 * {@link Credit} replies, and only those give the client room again (HTTP/1.1 reads the socket again, HTTP/2 sends
 * WINDOW_UPDATE). So what waits for a handler in another JVM is bounded the same way as in one JVM.
 */
final class BodyRelay implements IncomingBody {
    static final byte DATA = 0, END = 1, ABORT = 2;

    /** A piece of a body, master to worker JVM: bytes, the end, or the request cut off ({@code why}). */
    record Part(long seq, byte kind, byte[] bytes, String why) {
    }

    /** The worker JVM's handler read {@code n} bytes of request {@code seq}. */
    record Credit(long seq, int n) {
    }

    /** What a worker JVM's {@code readMessage} returns for a part it applied: nothing left to run. */
    static final Object APPLIED = new Object();

    private final long seq;
    private final Consumer<Object> sink;
    private final RequestBody.Flow flow;
    private final ArrayDeque<Part> pending = new ArrayDeque<>();
    private boolean dispatched, ended, abandoned, failed;
    private long queued;

    BodyRelay(long seq, Consumer<Object> sink, RequestBody.Flow flow) {
        this.seq = seq;
        this.sink = sink;
        this.flow = flow;
    }

    @Override
    public long offer(byte[] b) {
        synchronized (this) {
            if (abandoned || failed) {
                return -1;
            }
            queued += b.length;
        }
        send(new Part(seq, DATA, b, null));
        synchronized (this) {
            return queued;
        }
    }

    @Override
    public void end() {
        synchronized (this) {
            ended = true;
        }
        send(new Part(seq, END, null, null));
    }

    @Override
    public void fail(String why) {
        aborted(why);
    }

    @Override
    public void aborted(String why) {
        synchronized (this) {
            if (failed || abandoned) {
                return;
            }
            failed = true;
        }
        send(new Part(seq, ABORT, null, why));
    }

    /** The response ended: the bytes not credited yet are given back once, later credits are ignored. */
    @Override
    public void abandon() {
        long give;
        synchronized (this) {
            abandoned = true;
            give = queued;
            queued = 0;
        }
        if (give > 0) {
            flow.consumed((int) Math.min(Integer.MAX_VALUE, give));
        }
    }

    /** A {@link Credit} from the worker JVM (the IPC reader's thread). */
    void credit(int n) {
        int give;
        synchronized (this) {
            give = (int) Math.min(n, queued);
            queued -= give;
        }
        if (give > 0) {
            flow.consumed(give);
        }
    }

    @Override
    public synchronized boolean isComplete() {
        return ended;
    }

    /** The request went to its worker: the parts kept until then follow it (on the event loop). */
    @Override
    public void dispatched() {
        dispatched = true;
        while (!pending.isEmpty()) {
            sink.accept(pending.poll());
        }
    }

    /** On the event loop: to the worker now, or after the request when it still waits in the pipeline. */
    private void send(Part p) {
        if (dispatched) {
            sink.accept(p);
        } else {
            pending.add(p);
        }
    }
}
