package io.jswoole.server.reactor;

import io.jswoole.log.Log;
import io.jswoole.protocol.frame.FrameException;
import io.jswoole.server.Port;
import io.jswoole.server.mode.ServerAccess;
import io.jswoole.server.tls.Tls;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;

/**
 * The reactor side of one stream connection: turns Netty's events into the server's (accept, data, close). Runs
 * on the connection's event loop only; never runs user code.
 */
final class StreamHandler extends ChannelInboundHandlerAdapter {
    private final Intake intake;
    private final Port port;
    private Connection conn;
    /** The receive time was stamped for the current read (a read may bring many protocol messages). */
    private boolean stamped;
    /** A TLS handshake failed: logged once, the connection closing. */
    private boolean handshakeFailed;

    StreamHandler(Intake intake, Port port) {
        this.intake = intake;
        this.port = port;
    }

    /** A TLS port: the connection is accepted (and {@code connect} fires) once the handshake has succeeded. */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (ServerAccess.tls(port) == null) {
            accept(ctx);
        }
    }

    private void accept(ChannelHandlerContext ctx) {
        conn = intake.accepted(port, ctx.channel());
        if (conn == null) {
            ctx.close();
        } else if (!ctx.channel().config().isAutoRead()) {
            conn.pauseReading(Connection.PAUSE_DELAY, true); // enable_delay_receive: read after confirm(fd)
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (port.protocol() != null) {
            if (conn != null && !conn.closed) {
                if (!stamped) {
                    conn.receivedNow();
                    stamped = true;
                }
                intake.receivedMessage(conn, msg);
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
            return;
        }
        ByteBuf buf = (ByteBuf) msg;
        try {
            if (conn != null && !conn.closed) {
                byte[] data = new byte[buf.readableBytes()];
                buf.readBytes(data);
                intake.received(conn, data);
            }
        } finally {
            buf.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        stamped = false;
        ctx.fireChannelReadComplete();
    }

    /** The peer shut its output down (a half-close, as {@code nc -q1} does): answer what it sent, then close. */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent hs && conn == null && !handshakeFailed) {
            if (hs.isSuccess()) {
                accept(ctx);
            } else {
                handshakeFailed = true; // the one line for this connection; SslHandler's exception follows
                Log.notice("TLS handshake from " + ctx.channel().remoteAddress() + " failed, closing: "
                        + Tls.reason(hs.cause()));
                ctx.close();
            }
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent && conn != null) {
            intake.inputShutdown(conn);
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Netty's watermarks are set to (low + 1, low + 2), so "writable again" means the socket took the output down to
     * buffer_low_watermark: the moment to fire bufferEmpty and read again.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (conn != null && ctx.channel().isWritable()) {
            intake.outputDrained(conn);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (conn != null) {
            intake.closed(conn);
            conn.signalWritable();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ServerAccess.tls(port) != null && conn == null) { // before the handshake ended: the completion event tells
            if (!handshakeFailed) {
                handshakeFailed = true;
                Log.notice("TLS handshake from " + ctx.channel().remoteAddress() + " failed, closing: "
                        + Tls.reason(cause));
            }
            ctx.close();
            return;
        }
        String who = (conn == null ? "" : "fd " + conn.fd + " ") + "from " + ctx.channel().remoteAddress();
        if (conn != null) {
            conn.closedByServer = true;
        }
        if (cause instanceof IOException || cause instanceof java.io.UncheckedIOException) {
            // the peer went away (Netty's epoll reports a vanished fd as an UncheckedIOException): not news
            Log.debug(who + ": " + cause.getMessage());
        } else if (cause instanceof FrameException f) {
            Log.warning(who + ": " + f.getMessage() + " (error " + f.code() + "); closing the connection");
        } else {
            Log.warning(who + ": closing the connection: " + cause);
        }
        ctx.close();
    }
}
