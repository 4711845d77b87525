package io.jswoole.grpc;

import io.grpc.Attributes;
import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import io.grpc.Context;
import io.grpc.Decompressor;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import io.grpc.StatusException;
import io.jswoole.http.H2Stream;
import io.jswoole.http.Request;
import io.jswoole.http.RequestBody;
import io.jswoole.http.Response;
import io.jswoole.log.Log;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One RPC: grpc-java's {@link ServerCall} over one HTTP/2 stream of jswoole ({@link Request} in, {@link Response}
 * out). The request's coroutine runs {@link #serve}: it starts the call through the method's
 * {@code ServerCallHandler}, then reads messages from the streaming body as the application asks for them
 * ({@link #request}: no demand, no read, so the client is held back by HTTP/2 flow control) and delivers the
 * listener's events one at a time, as grpc-java's own transport does. The application's calls (any thread)
 * write DATA and the trailers through the {@link Response}.
 * <p>Flow control out: {@link #isReady} is the stream's ({@link H2Stream#isReady}: fewer than grpc-java's 32 KiB
 * written and not yet on the socket), and when the stream drains below that again {@code onReady} is delivered, on a
 * virtual thread of its own, still one listener event at a time ({@code serial}). A deadline that passes on the
 * server resets the stream with CANCEL, as grpc-java's server does (its client reports DEADLINE_EXCEEDED).
 */
final class GrpcCall<Q, R> extends ServerCall<Q, R> {
    /** HTTP/2's CANCEL error code. */
    private static final long CANCEL = 8;
    private final Request req;
    private final Response res;
    private final RequestBody body;
    private final ServerMethodDefinition<Q, R> def;
    private final GrpcService service;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Held while a listener event runs: they run one at a time, onReady from another thread included. */
    private final ReentrantLock serial = new ReentrantLock();
    private final H2Stream stream;
    /** The listener, once startCall returned it; null again once onComplete or onCancel ran. */
    private volatile Listener<Q> current;
    private final String acceptEncoding;
    private int demand;
    private boolean headersSent, closed, cancelled, messageCompression = true;
    private Status cancelStatus;
    private Compressor compressor;
    private Decompressor decompressor;
    private Context.CancellableContext context;

    GrpcCall(Request req, Response res, ServerMethodDefinition<Q, R> def, GrpcService service) {
        this.req = req;
        this.res = res;
        this.body = req.body();
        this.stream = res.stream();
        this.def = def;
        this.service = service;
        String a = req.header().get("grpc-accept-encoding");
        this.acceptEncoding = a == null ? "" : a;
    }

    /** Runs the call to its end, on the request's coroutine. */
    void serve() {
        String enc = req.header().get("grpc-encoding");
        if (enc != null && !enc.equals("identity")) {
            decompressor = service.decompressors().lookupDecompressor(enc);
            if (decompressor == null) {
                GrpcService.trailersOnly(res, Status.UNIMPLEMENTED.withDescription("Can't find decompressor for "
                        + enc));
                return;
            }
        }
        long timeout = GrpcWire.timeoutNanos(req.header().get("grpc-timeout"));
        context = timeout >= 0
                ? Context.current().withDeadlineAfter(timeout, TimeUnit.NANOSECONDS, GrpcService.TIMER)
                : Context.current().withCancellation();
        context.addListener(c -> contextCancelled(), Runnable::run);
        body.onAbort(() -> cancel(Status.CANCELLED.withDescription("the client cancelled the call")));
        stream.onReady(this::readyAgain);
        Listener<Q> listener;
        try {
            listener = context.call(() -> def.getServerCallHandler().startCall(this, GrpcWire.metadata(req)));
        } catch (Exception | Error e) {
            Log.error("gRPC " + def.getMethodDescriptor().getFullMethodName() + ": startCall failed", e);
            close(Status.UNKNOWN.withDescription("the application failed to start the call"), new Metadata());
            context.cancel(null);
            return;
        }
        current = listener;
        try {
            events(listener);
        } finally {
            current = null;
            context.cancel(null);
        }
    }

    /** The stream drained below the threshold (event loop or IPC reader: no waiting here): onReady, in turn. */
    private void readyAgain() {
        if (current == null) {
            return; // not started yet (startCall's onReady follows) or over
        }
        Thread.ofVirtual().name("jswoole-grpc-onready").start(() -> {
            serial.lock();
            try {
                Listener<Q> l = current; // read in turn: after onComplete or onCancel it is null
                if (l != null && !isCancelled()) {
                    deliver(l::onReady);
                }
            } finally {
                serial.unlock();
            }
        });
    }

    /** Delivers onReady, the messages as demanded, onHalfClose, then onComplete or onCancel. */
    private void events(Listener<Q> listener) {
        if (!deliver(listener::onReady)) {
            return;
        }
        boolean input = true;
        while (true) {
            lock.lock();
            try {
                while (!cancelled && !closed && !(input && demand > 0)) {
                    changed.awaitUninterruptibly();
                }
                if (cancelled) {
                    break;
                }
                if (closed) {
                    break; // the server ended the call: what the client still sends is dropped
                }
                demand--;
            } finally {
                lock.unlock();
            }
            byte[] m;
            try {
                m = GrpcWire.readMessage(body, service.maxInboundMessageSize(), decompressor);
            } catch (StatusException e) {
                Log.warning("gRPC " + def.getMethodDescriptor().getFullMethodName() + " from "
                        + req.server().get("remote_addr") + ": " + e.getStatus().getCode() + ", "
                        + e.getStatus().getDescription());
                cancel(e.getStatus());
                break;
            } catch (IOException e) {
                cancel(Status.CANCELLED.withDescription(e.getMessage()));
                break;
            }
            if (m == null) {
                input = false;
                if (!deliver(listener::onHalfClose)) {
                    return;
                }
                continue;
            }
            Q msg;
            try {
                msg = def.getMethodDescriptor().parseRequest(new java.io.ByteArrayInputStream(m));
            } catch (RuntimeException e) {
                cancel(Status.INTERNAL.withDescription("Invalid protobuf byte sequence").withCause(e));
                break;
            }
            if (!deliver(() -> listener.onMessage(msg))) {
                return;
            }
        }
        lock.lock();
        boolean wasCancelled = cancelled;
        lock.unlock();
        serial.lock();
        try {
            current = null; // no onReady after the last event
            context.run(wasCancelled ? listener::onCancel : listener::onComplete);
        } finally {
            serial.unlock();
        }
    }

    /** Runs a listener event in the call's context, after any other; a throw closes the call with UNKNOWN (false). */
    private boolean deliver(Runnable event) {
        serial.lock();
        try {
            context.run(event);
            return true;
        } catch (RuntimeException | Error e) {
            Log.error("gRPC " + def.getMethodDescriptor().getFullMethodName() + ": the listener failed", e);
            cancel(Status.UNKNOWN.withDescription("the application failed").withCause(e));
            return false;
        } finally {
            serial.unlock();
        }
    }

    /**
     * The deadline passed (or the context was cancelled): as grpc-java's server, RST_STREAM(CANCEL), which the
     * client reports as DEADLINE_EXCEEDED ("cancelled at or after deadline"); onCancel.
     */
    private void contextCancelled() {
        if (context.getDeadline() != null && context.getDeadline().isExpired()) {
            cancel(Status.DEADLINE_EXCEEDED.withDescription("deadline exceeded after "
                    + req.header().get("grpc-timeout")), true);
        }
    }

    /** Ends the call abnormally: the status goes to the client (unless it reset the stream), then onCancel. */
    private void cancel(Status s) {
        cancel(s, false);
    }

    /** {@link #cancel(Status)}; with {@code reset} the stream is reset with CANCEL instead of sending the status. */
    private void cancel(Status s, boolean reset) {
        lock.lock();
        try {
            if (cancelled || closed) {
                return; // ended already: a late reset changes nothing
            }
            cancelled = true;
            cancelStatus = s;
            if (!closed && !body.isAborted()) {
                if (reset) {
                    stream.reset(CANCEL);
                } else {
                    writeTrailers(s, new Metadata());
                }
            }
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        body.close();
        if (context != null) {
            context.cancel(s.asRuntimeException());
        }
    }

    // ---- ServerCall

    @Override
    public void request(int numMessages) {
        lock.lock();
        try {
            demand = (int) Math.min(Integer.MAX_VALUE, (long) demand + numMessages);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sendHeaders(Metadata headers) {
        lock.lock();
        try {
            if (headersSent) {
                throw new IllegalStateException("sendHeaders has already been called");
            }
            if (closed) {
                return;
            }
            headersSent = true;
            res.status(200);
            res.header("content-type", "application/grpc");
            if (compressor != null) {
                res.header("grpc-encoding", compressor.getMessageEncoding());
            }
            res.header("grpc-accept-encoding", service.acceptEncodings());
            GrpcWire.forEach(headers, (name, values) -> {
                if (!name.equals("content-type") && !name.startsWith("grpc-")) {
                    res.header(name, values);
                }
            });
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sendMessage(R message) {
        lock.lock();
        try {
            if (closed) {
                if (cancelled) {
                    return;
                }
                throw new IllegalStateException("call is closed");
            }
            if (!headersSent) {
                sendHeaders(new Metadata());
            }
            byte[] plain;
            try (var in = def.getMethodDescriptor().streamResponse(message)) {
                plain = GrpcWire.readAll(in);
            }
            boolean compress = compressor != null && messageCompression;
            byte[] bytes = plain;
            if (compress) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                try (OutputStream o = compressor.compress(b)) {
                    o.write(plain);
                }
                bytes = b.toByteArray();
            }
            res.write(GrpcWire.frame(bytes, compress));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close(Status status, Metadata trailers) {
        lock.lock();
        try {
            if (closed) {
                if (cancelled) {
                    return;
                }
                throw new IllegalStateException("call already closed");
            }
            closed = true;
            writeTrailers(status, trailers);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        body.close(); // what the client still sends is dropped; a read in progress ends
    }

    /** The trailers (after the headers, or alone as a trailers-only response); ends the stream. */
    private void writeTrailers(Status status, Metadata trailers) {
        if (!headersSent) {
            headersSent = true;
            res.status(200);
            res.header("content-type", "application/grpc");
        }
        res.trailer("grpc-status", Integer.toString(status.getCode().value()));
        if (status.getDescription() != null) {
            res.trailer("grpc-message", GrpcWire.encodeMessage(status.getDescription()));
        }
        GrpcWire.forEach(trailers, (name, values) -> {
            if (!name.startsWith("grpc-") && !name.equals("content-type")) {
                res.trailer(name, String.join(",", values));
            }
        });
        res.end();
    }

    @Override
    public boolean isReady() {
        lock.lock();
        try {
            return !closed && stream.isReady() && res.isWritable();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isCancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setMessageCompression(boolean enabled) {
        lock.lock();
        try {
            messageCompression = enabled;
        } finally {
            lock.unlock();
        }
    }

    /** Compresses responses with {@code name} when the client accepts it (identity otherwise, as grpc-java does). */
    @Override
    public void setCompression(String name) {
        lock.lock();
        try {
            if (headersSent) {
                throw new IllegalStateException("setCompression after the headers were sent");
            }
            Compressor c = CompressorRegistry.getDefaultInstance().lookupCompressor(name);
            if (c == null) {
                throw new IllegalArgumentException("no compressor " + name);
            }
            boolean accepted = false;
            for (String a : acceptEncoding.split(",")) {
                accepted |= a.trim().equals(name);
            }
            compressor = accepted && !name.equals("identity") ? c : null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Attributes getAttributes() {
        var server = req.server();
        return Attributes.newBuilder()
                .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, new InetSocketAddress((String) server.get("remote_addr"),
                        (Integer) server.get("remote_port")))
                .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, new InetSocketAddress((Integer) server.get("server_port")))
                .build();
    }

    @Override
    public String getAuthority() {
        return req.header().get("host");
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
        return def.getMethodDescriptor();
    }

    Status cancelStatus() {
        return cancelStatus;
    }
}
