package io.jswoole.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultFileRegion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
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
    /** During a shutdown: the request whose response head went out last (-1: none); its later pieces follow. */
    private long headed = -1;
    /** A shutdown began before that head went out: it says {@code Connection: close}, and the close follows it. */
    private boolean closeAfterHeaded;

    Sequencer(HttpConn conn) {
        this.conn = conn;
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (conn.timing != null) {
            conn.timing.flushed();
        }
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

    /**
     * A file part on a TLS connection, which cannot send a file region: its bytes go in 64 KiB buffers, the next one
     * read when the last has been written, so a connection holds one buffer of the file however large it is and
     * however slowly its client reads. What comes after the part waits in {@link #afterFile} meanwhile.
     */
    private final class FileStream {
        private final ChannelHandlerContext ctx;
        private final Out out;
        private final FileChannel fc;
        private long pos;
        private final long end;

        FileStream(ChannelHandlerContext ctx, Out out, Out.FilePart f) throws IOException {
            this.ctx = ctx;
            this.out = out;
            this.fc = FileChannel.open(f.file().toPath(), StandardOpenOption.READ);
            this.pos = f.offset();
            this.end = f.offset() + f.count();
        }

        void writeNext() {
            if (pos >= end) {
                done(true);
                return;
            }
            ByteBuf b;
            try {
                b = FileChunks.read(ctx.alloc(), fc, pos, end);
                pos += b.readableBytes();
            } catch (IOException e) {
                io.jswoole.log.Log.warning("http fd " + conn.fd + ": sending a file failed: " + e.getMessage());
                done(false);
                ctx.close();
                return;
            }
            ctx.writeAndFlush(b).addListener(f -> {
                if (f.isSuccess()) {
                    writeNext();
                } else {
                    done(false);
                }
            });
        }

        private void done(boolean whole) {
            try {
                fc.close();
            } catch (IOException e) {
                // read-only: nothing was lost
            }
            file = null;
            if (!whole) {
                closed = true;
                releaseWaiting();
                return;
            }
            Out o = new Out(out.seq(), Unpooled.EMPTY_BUFFER, out.last(), out.close());
            emit(ctx, o);
            Out next;
            while (file == null && !closed && (next = afterFile.poll()) != null) {
                emit(ctx, next);
            }
            flush(ctx);
        }
    }

    /** The file part being written over TLS, if any; {@link #afterFile} holds what follows it. */
    private FileStream file;
    /** Sized for the rare case that uses it (a TLS file part); it grows when one does. */
    private final ArrayDeque<Out> afterFile = new ArrayDeque<>(1);

    private void releaseWaiting() {
        afterFile.forEach(x -> ReferenceCountUtil.release(x.msg()));
        afterFile.clear();
        for (ArrayDeque<Out> q : held.values()) {
            q.forEach(x -> ReferenceCountUtil.release(x.msg()));
        }
        held.clear();
    }

    private void emit(ChannelHandlerContext ctx, Out o) {
        if (closed) {
            ReferenceCountUtil.release(o.msg());
            return;
        }
        if (file != null) {
            afterFile.add(o);
            return;
        }
        Object msg = o.msg();
        if (conn.draining && o.seq() >= 0 && o.seq() != headed && DrainClose.isFinalHead(msg)) {
            headed = o.seq();
            closeAfterHeaded = !o.close();
            if (closeAfterHeaded) {
                // wherever the response was made (a worker thread, a worker JVM) and whenever: the client learns
                // from it that the connection ends, so it sends nothing more that could be lost
                msg = DrainClose.mark(msg);
            }
        }
        boolean close = o.close() || closeAfterHeaded && o.seq() == headed;
        boolean upgrade = false;
        if (msg instanceof HttpResponse r) {
            if (close) {
                r.headers().set(Names.CONNECTION, HttpHeaderValues.CLOSE);
            }
            upgrade = r.status().code() == HttpResponseStatus.SWITCHING_PROTOCOLS.code();
        }
        if (msg instanceof Out.FilePart f && ctx.pipeline().get(SslHandler.class) != null) {
            try {
                file = new FileStream(ctx, o, f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            flush(ctx); // what came before goes first
            file.writeNext();
            return;
        } else if (msg instanceof Out.FilePart f) {
            msg = new DefaultFileRegion(f.file(), f.offset(), f.count());
        }
        if (o.last() && o.seq() >= 0 && conn.timing != null) {
            conn.timing.ended(o.seq()); // its last piece goes to the socket; it counts when flushed
        }
        if (o.last() && close) {
            closed = true;
            ctx.write(msg).addListener(ChannelFutureListener.CLOSE);
            flush(ctx);
            releaseWaiting();
            return;
        }
        // the extension handshaker of permessage-deflate listens on the 101's promise
        ctx.write(msg, upgrade ? ctx.newPromise() : ctx.voidPromise());
        if (upgrade && conn.protocol.websocket()) {
            conn.protocol.upgraded(conn, ctx.pipeline());
        }
    }
}
