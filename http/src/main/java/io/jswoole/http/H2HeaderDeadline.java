package io.jswoole.http;

import io.jswoole.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code http_header_timeout} on an HTTP/2 connection, as HTTP/1.1 has it for a request head: the client's
 * SETTINGS (the rest of its connection preface) and every header block (a HEADERS frame and its CONTINUATIONs, up
 * to the last byte of the frame with END_HEADERS) must arrive within the timeout, counted from the connection's
 * switch to HTTP/2 and from the block's first byte. Otherwise: GOAWAY (SETTINGS_TIMEOUT for a preface without
 * SETTINGS, ENHANCE_YOUR_CALM for a header block left open), the connection closed, one log line. Netty's decoder
 * buffers an unfinished header block silently and waits for SETTINGS forever, so this handler, placed before
 * {@link H2Connection}, follows the frame boundaries of what passes (9-byte frame headers, lengths) without
 * touching the bytes.
 */
final class H2HeaderDeadline extends ChannelInboundHandlerAdapter {
    static final String NAME = "http2-header-deadline";
    private static final int PREFACE = 24, TYPE_HEADERS = 1, TYPE_SETTINGS = 4, TYPE_CONTINUATION = 9;
    private static final int END_HEADERS = 0x4;

    private final HttpConn conn;
    private final long millis;
    /** Preface bytes still to pass. */
    private int skip = PREFACE;
    private final byte[] head = new byte[9];
    private int headLen;
    /** Payload bytes of the current frame still to pass. */
    private long payload;
    private int type = -1;
    private int flags;
    private boolean settingsDone;
    /** A header block is open (from its HEADERS frame's first byte to the end of its END_HEADERS frame). */
    private boolean blockOpen;
    private int blockStream;
    /** Counts header blocks: a timer fires only for the block it was set for. */
    private int block;
    private ScheduledFuture<?> timer;
    private boolean fired;

    H2HeaderDeadline(HttpConn conn, long millis) {
        this.conn = conn;
        this.millis = millis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            if (!settingsDone) {
                expire(ctx, Http2Error.SETTINGS_TIMEOUT, "no SETTINGS after the connection preface");
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b && !fired) {
            scan(ctx, b);
        }
        ctx.fireChannelRead(msg);
    }

    private void scan(ChannelHandlerContext ctx, ByteBuf b) {
        int i = b.readerIndex();
        int end = b.writerIndex();
        while (i < end) {
            if (skip > 0) {
                int n = Math.min(skip, end - i);
                skip -= n;
                i += n;
            } else if (payload > 0) {
                int n = (int) Math.min(payload, end - i);
                payload -= n;
                i += n;
                if (payload == 0) {
                    frameDone();
                }
            } else {
                head[headLen++] = b.getByte(i++);
                if (headLen == head.length) {
                    headLen = 0;
                    frameStarts(ctx);
                }
            }
        }
    }

    private void frameStarts(ChannelHandlerContext ctx) {
        payload = ((head[0] & 0xffL) << 16) | ((head[1] & 0xff) << 8) | (head[2] & 0xff);
        type = head[3] & 0xff;
        flags = head[4] & 0xff;
        if (type == TYPE_HEADERS && !blockOpen) {
            blockOpen = true;
            blockStream = ((head[5] & 0x7f) << 24) | ((head[6] & 0xff) << 16) | ((head[7] & 0xff) << 8)
                    | (head[8] & 0xff);
            int mine = ++block;
            cancel();
            timer = ctx.executor().schedule(() -> {
                if (blockOpen && block == mine) {
                    expire(ctx, Http2Error.ENHANCE_YOUR_CALM, "stream " + blockStream + "'s HEADERS not finished");
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
        if (payload == 0) {
            frameDone();
        }
    }

    private void frameDone() {
        if (type == TYPE_SETTINGS && !settingsDone) {
            settingsDone = true;
            if (!blockOpen) {
                cancel();
            }
        }
        if (blockOpen && (type == TYPE_HEADERS || type == TYPE_CONTINUATION) && (flags & END_HEADERS) != 0) {
            blockOpen = false;
            cancel();
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** GOAWAY with {@code code}, then the close; one log line. */
    private void expire(ChannelHandlerContext ctx, Http2Error code, String what) {
        if (fired || !ctx.channel().isActive()) {
            return;
        }
        fired = true;
        Log.warning("http2 from " + conn.remoteIp + ":" + conn.remotePort + ": " + what + " within "
                + "http_header_timeout (" + millis / 1000.0 + " s): GOAWAY " + code + ", closed");
        H2Connection h2 = ctx.pipeline().get(H2Connection.class);
        if (h2 == null) {
            ctx.close();
            return;
        }
        ByteBuf debug = Unpooled.copiedBuffer("http_header_timeout", StandardCharsets.US_ASCII);
        h2.goAway(h2.ctx, h2.connection().remote().lastStreamCreated(), code.code(), debug, h2.ctx.newPromise())
                .addListener(ChannelFutureListener.CLOSE);
        h2.ctx.flush();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }
}
