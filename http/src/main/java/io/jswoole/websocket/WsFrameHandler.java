package io.jswoole.websocket;

import io.jswoole.log.Log;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.compression.DecompressionException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;

/**
 * The event-loop side of an established WebSocket, after the frame decoder ({@link WsFrameDecoder}: Netty's, which
 * already refuses unmasked frames, bad opcodes, RSV bits and oversized or fragmented control frames with 1002 and
 * frames over the cap with 1009, plus RFC 6455's close-frame checks, 1002 or 1007), the extension decoders and
 * {@link WsFrameChecks} (RSV bits no extension took, 1002; UTF-8, 1007): reassembles fragmented messages up to {@code package_max_length} (1009 beyond), answers pings (the latest
 * of a read batch) and close frames (with the code and reason received; an empty one with an empty one), and passes
 * messages on to the worker as {@link Frame}s.
 */
final class WsFrameHandler extends ChannelInboundHandlerAdapter {
    private final int fd;
    private final WsConfig cfg;
    private CompositeByteBuf pending;
    private int pendingOpcode;
    private ByteBuf pingToAnswer;
    private boolean closing;
    /** Whether the message being received came with RSV1 (permessage-deflate), seen by {@link Rsv1Mark}. */
    private boolean compressed;

    WsFrameHandler(int fd, WsConfig cfg) {
        this.fd = fd;
        this.cfg = cfg;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame f) || closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            switch (f) {
                case PingWebSocketFrame p -> {
                    if (cfg.pingFrame()) {
                        ctx.fireChannelRead(new Frame(fd, ByteBufUtil.getBytes(p.content()), WebSocket.OPCODE_PING,
                                WebSocket.FLAG_FIN, true));
                    } else {
                        if (pingToAnswer != null) {
                            pingToAnswer.release();
                        }
                        pingToAnswer = p.content().retain();
                    }
                }
                case PongWebSocketFrame p -> {
                    if (cfg.pongFrame()) {
                        ctx.fireChannelRead(new Frame(fd, ByteBufUtil.getBytes(p.content()), WebSocket.OPCODE_PONG,
                                WebSocket.FLAG_FIN, true));
                    }
                }
                case CloseWebSocketFrame c -> {
                    // the decoder checked the payload (WsFrameDecoder): empty, or a code one may send and UTF-8
                    if (cfg.closeFrame()) {
                        boolean none = c.statusCode() < 0;
                        ctx.fireChannelRead(new CloseFrame(fd, none ? WebSocket.CLOSE_STATUS_ERROR : c.statusCode(),
                                none ? "" : c.reasonText()));
                    }
                    // RFC 6455 5.5.1: the answer echoes the code and reason (as Swoole does), an empty close an
                    // empty one (1005, "no status", is what the application sees, never what goes on the wire)
                    close(ctx, new CloseWebSocketFrame(true, 0, c.content().retainedDuplicate()));
                }
                case ContinuationWebSocketFrame c -> data(ctx, c, pendingOpcode);
                case TextWebSocketFrame t -> data(ctx, t, WebSocket.OPCODE_TEXT);
                case BinaryWebSocketFrame b -> data(ctx, b, WebSocket.OPCODE_BINARY);
                default -> close(ctx, WebSocket.CLOSE_PROTOCOL_ERROR, "unexpected frame");
            }
        } finally {
            f.release();
        }
    }

    private void data(ChannelHandlerContext ctx, WebSocketFrame f, int opcode) {
        boolean start = !(f instanceof ContinuationWebSocketFrame);
        if (start) {
            pendingOpcode = opcode;
        }
        long size = (pending == null ? 0 : pending.readableBytes()) + (long) f.content().readableBytes();
        if (size > cfg.maxMessage()) {
            violation(ctx, WebSocket.CLOSE_MESSAGE_TOO_BIG, "message over package_max_length " + cfg.maxMessage());
            return;
        }
        // Swoole's frame->flags: FIN, plus RSV1 and COMPRESS when the message arrived compressed
        int flags = WebSocket.FLAG_FIN | (compressed ? WebSocket.FLAG_RSV1 | WebSocket.FLAG_COMPRESS : 0);
        if (f.isFinalFragment() && pending == null) {
            ctx.fireChannelRead(new Frame(fd, ByteBufUtil.getBytes(f.content()), opcode, flags, true));
            return;
        }
        if (pending == null) {
            pending = ctx.alloc().compositeBuffer(1024);
        }
        pending.addComponent(true, f.content().retain());
        if (f.isFinalFragment()) {
            byte[] all = ByteBufUtil.getBytes(pending);
            pending.release();
            pending = null;
            ctx.fireChannelRead(new Frame(fd, all, pendingOpcode, flags, true));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (pingToAnswer != null && !closing) {
            ctx.writeAndFlush(new PongWebSocketFrame(pingToAnswer));
            pingToAnswer = null;
        }
        ctx.fireChannelReadComplete();
    }

    private void violation(ChannelHandlerContext ctx, int code, String why) {
        Log.warning("websocket fd " + fd + ": " + why + "; closing with " + code);
        close(ctx, code, "");
    }

    /** The server is shutting down: a 1001 close frame, then the socket closes. */
    void goingAway(ChannelHandlerContext ctx) {
        close(ctx, WebSocket.CLOSE_GOING_AWAY, "");
    }

    /** Sends a close frame, then closes the socket (the peer's close frame is not awaited past the write). */
    private void close(ChannelHandlerContext ctx, int code, String reason) {
        close(ctx, new CloseWebSocketFrame(code, reason));
    }

    private void close(ChannelHandlerContext ctx, CloseWebSocketFrame frame) {
        if (closing) {
            frame.release();
            return;
        }
        closing = true;
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof CorruptedWebSocketFrameException c) {
            violation(ctx, c.closeStatus().code(), c.getMessage());
        } else if (cause instanceof TooLongFrameException || cause instanceof DecompressionException
                || cause.getCause() instanceof DecompressionException) {
            violation(ctx, WebSocket.CLOSE_MESSAGE_TOO_BIG, String.valueOf(cause.getMessage()));
        } else if (cause instanceof CorruptedFrameException) {
            violation(ctx, WebSocket.CLOSE_MESSAGE_ERROR, String.valueOf(cause.getMessage()));
        } else if (cause instanceof IOException) {
            Log.debug("websocket fd " + fd + ": " + cause.getMessage());
            ctx.close();
        } else {
            violation(ctx, WebSocket.CLOSE_PROTOCOL_ERROR, cause.toString());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (pending != null) {
            pending.release();
            pending = null;
        }
        if (pingToAnswer != null) {
            pingToAnswer.release();
            pingToAnswer = null;
        }
    }

    /**
     * Right after the frame decoder, before permessage-deflate's decoder clears RSV1: notes whether the first
     * frame of each message was compressed (RFC 7692 sets RSV1 on the first frame only), for the flags the
     * application sees.
     */
    static final class Rsv1Mark extends ChannelInboundHandlerAdapter {
        private final WsFrameHandler frames;

        Rsv1Mark(WsFrameHandler frames) {
            this.frames = frames;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                frames.compressed = (((WebSocketFrame) msg).rsv() & 4) != 0;
            }
            ctx.fireChannelRead(msg);
        }
    }

    static ByteBuf wrap(byte[] b) {
        return b.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(b);
    }
}
