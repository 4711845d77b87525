package io.jswoole.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.internal.PlatformDependent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Next to the socket: the small heap buffers written between two flushes (the responses to a batch of pipelined
 * requests, each made whole by its {@link Response}) leave as one direct buffer of exactly their size. The socket
 * needs direct memory anyway (the transport would copy each heap buffer itself); copied here, a batch costs one
 * allocation and one entry in the outbound buffer instead of one per response, and the leak detector samples
 * batches rather than responses. Anything else (a large or direct buffer, a file, a write whose promise someone
 * listens to) goes out as it is, after what was collected before it, so the order of writes never changes.
 */
final class Coalescer extends ChannelOutboundHandlerAdapter {
    /** Larger buffers are not worth a copy. */
    static final int MAX_PIECE = 8 * 1024;
    /** Collected bytes never wait for a flush beyond this: they go out, and collecting starts again. */
    static final int MAX_BATCH = 64 * 1024;
    /**
     * Netty exposes a direct buffer's address also where it may not use {@code sun.misc.Unsafe} (JDK 24+ without
     * {@code --sun-misc-unsafe-memory-access=allow}); the raw copy needs both.
     */
    private static final boolean RAW_COPY = PlatformDependent.hasUnsafe();
    private final List<ByteBuf> pieces = new ArrayList<>();
    private int bytes;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b && b.hasArray() && promise.isVoid() && b.readableBytes() <= MAX_PIECE) {
            pieces.add(b);
            bytes += b.readableBytes();
            if (bytes >= MAX_BATCH) {
                emit(ctx);
            }
            return;
        }
        emit(ctx);
        ctx.write(msg, promise);
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        emit(ctx);
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        emit(ctx); // what was written before the close goes down before it, as without this handler
        ctx.close(promise);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    private void emit(ChannelHandlerContext ctx) {
        if (pieces.isEmpty()) {
            return;
        }
        ByteBuf batch = ctx.alloc().directBuffer(bytes);
        try {
            if (RAW_COPY && batch.hasMemoryAddress()) {
                // straight to the buffer's memory: no bounds or session checks per piece (Netty with Unsafe)
                long at = batch.memoryAddress() + batch.writerIndex();
                for (ByteBuf b : pieces) {
                    int n = b.readableBytes();
                    PlatformDependent.copyMemory(b.array(), b.arrayOffset() + b.readerIndex(), at, n);
                    at += n;
                }
                batch.writerIndex(batch.writerIndex() + bytes);
            } else if (batch.nioBufferCount() == 1) {
                // one view of the batch for all the copies (Netty's writeBytes makes one per call)
                ByteBuffer to = batch.internalNioBuffer(batch.writerIndex(), bytes);
                for (ByteBuf b : pieces) {
                    to.put(b.array(), b.arrayOffset() + b.readerIndex(), b.readableBytes());
                }
                batch.writerIndex(batch.writerIndex() + bytes);
            } else {
                for (ByteBuf b : pieces) {
                    batch.writeBytes(b, b.readerIndex(), b.readableBytes());
                }
            }
        } catch (RuntimeException e) {
            batch.release();
            throw e;
        } finally {
            release();
        }
        ctx.write(batch, ctx.voidPromise());
    }

    private void release() {
        for (ByteBuf b : pieces) {
            b.release();
        }
        pieces.clear();
        bytes = 0;
    }
}
