package io.jswoole.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.stream.ChunkedFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Puts responses in request order. Handlers of pipelined requests run concurrently and finish in any order; each
 * piece they write ({@link Out}) carries its request's sequence number, and the pieces of a later request wait
 * here until every earlier response has ended. When a response ends, the {@link HttpGuard} may hand over the next
 * request; a response marked {@code close} closes the connection once written; a 101 switches the connection to
 * WebSocket.
 */
final class Sequencer extends ChannelOutboundHandlerAdapter {
    private final HttpConn conn;
    private long next;
    private final Map<Long, ArrayDeque<Out>> held = new HashMap<>();
    private boolean closed;

    Sequencer(HttpConn conn) {
        this.conn = conn;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof Out o)) {
            ctx.write(msg, promise);
            return;
        }
        if (closed || (o.seq() >= 0 && o.seq() < next)) {
            ReferenceCountUtil.release(o.msg());
            return;
        }
        if (o.seq() < 0) {
            emit(ctx, o);
            return;
        }
        if (o.seq() > next) {
            held.computeIfAbsent(o.seq(), k -> new ArrayDeque<>()).add(o);
            return;
        }
        emit(ctx, o);
        if (o.last()) {
            advance(ctx);
        }
    }

    private void advance(ChannelHandlerContext ctx) {
        while (true) {
            next++;
            if (conn.guard != null) {
                conn.guard.responseDone();
            }
            ArrayDeque<Out> q = held.get(next);
            if (q == null) {
                return;
            }
            boolean ended = false;
            Out o;
            while (!ended && (o = q.poll()) != null) {
                emit(ctx, o);
                ended = o.last();
            }
            if (q.isEmpty()) {
                held.remove(next);
            }
            if (!ended) {
                return;
            }
        }
    }

    /** A file region (sendfile), or on a TLS port chunks read from the file, which TLS can encrypt. */
    private static Object file(ChannelHandlerContext ctx, Out.FilePart f) {
        if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
            return new DefaultFileRegion(f.file(), f.offset(), f.count());
        }
        try {
            return new ChunkedFile(new RandomAccessFile(f.file(), "r"), f.offset(), f.count(), 16 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void emit(ChannelHandlerContext ctx, Out o) {
        if (closed) {
            ReferenceCountUtil.release(o.msg());
            return;
        }
        boolean upgrade = false;
        if (o.msg() instanceof HttpResponse r) {
            if (o.close()) {
                r.headers().set(Names.CONNECTION, HttpHeaderValues.CLOSE);
            }
            upgrade = r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
        }
        Object msg = o.msg() instanceof Out.FilePart f ? file(ctx, f) : o.msg();
        if (o.last() && o.close()) {
            closed = true;
            ctx.write(msg).addListener(ChannelFutureListener.CLOSE);
            ctx.flush();
            for (ArrayDeque<Out> q : held.values()) {
                q.forEach(x -> ReferenceCountUtil.release(x.msg()));
            }
            held.clear();
            return;
        }
        // the extension handshaker of permessage-deflate listens on the 101's promise
        ctx.write(msg, upgrade ? ctx.newPromise() : ctx.voidPromise());
        if (upgrade && conn.protocol.websocket()) {
            conn.protocol.upgraded(conn, ctx.pipeline());
        }
    }
}
